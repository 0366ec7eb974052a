"""Helpers of the tools: CLI set-up and shared arguments, the export of a
training checkpoint's backbone, the tools' checkpoint checks and the
reading of ``scalars.json`` logs."""
