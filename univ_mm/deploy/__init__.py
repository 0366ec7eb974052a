"""Out of the lab: ONNX graphs of trained segmentors and detectors, and the
merged backbone in timm's, Hugging Face's and the ConvMAE release's formats.

The modules import their heavy dependencies (``onnxruntime``, ``timm``,
``transformers``) where they are used; see ``tools/deploy/``.
"""
