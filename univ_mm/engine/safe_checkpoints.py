"""Importing this module calls
:func:`~univ_mm.checkpoint.safe_io.use_safe_checkpoints`.

For the configs' ``custom_imports``, which import modules and call nothing::

    custom_imports = dict(
        imports=['univ_mm', 'univ_mm.engine.safe_checkpoints'],
        allow_failed_imports=False)

so that a runner built from the config by any script (``Runner.from_cfg``,
MMSegmentation's or MMDetection's ``tools/train.py``) resumes on
torch >= 2.6, loads checkpoints weights-only and saves atomically.
"""
from univ_mm.checkpoint.safe_io import use_safe_checkpoints

use_safe_checkpoints()
