"""Write a LoRA student as a plain backbone, its adapters merged: what
the ``MergedBackboneExportHook`` saves during training and
``tools/export_backbone.py`` from a training checkpoint."""
import json
from pathlib import Path

from torch import Tensor, nn

from univ_mm.checkpoint.safe_io import save_merged_backbone


def save_merged(state: dict[str, Tensor], arch: dict, out: str | Path,
                 meta: dict) -> Path:
    """Write a merged backbone; ``meta`` records ``arch`` as builtins (a
    custom arch comes from the config as a ConfigDict)."""
    return save_merged_backbone(
        state, out, dict(meta, arch=json.loads(json.dumps(arch))))


def export_merged_backbone(backbone: nn.Module, out: str | Path,
                           **meta) -> Path:
    """Save a LoRA student with its adapters merged, as a plain backbone.

    The file is ``dict(state_dict=..., meta=...)`` under the plain names
    (mmpretrain ``VisionTransformer``'s, or the ConvMAE release's), which
    downstream ``init_cfg=dict(type='Pretrained', ...)`` loads. ``meta``
    holds builtins only, so weights-only loading reads the file.

    Args:
        backbone (nn.Module): A ``UNIVVisionTransformer`` or ``UNIVConvMAE``
            with LoRA.
        out (str | Path): The file to write (atomically).
        **meta: What to record beside ``arch`` (the architecture
            settings), e.g. ``iter``.

    Returns:
        Path: ``out``.
    """
    return save_merged(backbone.merged_state_dict(),
                        backbone.arch_settings, out, meta)
