"""Export the merged student backbone of a UNIV training checkpoint
(``tools/export_backbone.py``).

Nothing is built: the LoRA student is merged on the tensors
(:mod:`univ_mm.models.backbones.lora_merge`). What the checkpoint's config
text adds is read as literals (never executed) and used as data only: the
LoRA numbers and the ``arch``; the backbone ``type`` it names only picks
one of the project's own backbones (:func:`own_backbones`), it is never
looked up in a registry or imported.
"""
from pathlib import Path

from univ_mm.checkpoint.safe_io import load_checkpoint_safely
from univ_mm.models.backbones import univ_convmae, univ_vit
from univ_mm.models.backbones.lora_merge import (
    merge_lora_weights,
    merged_lora_cfg,
    student_weights,
    training_backbone_cfg,
)
from univ_mm.models.backbones.merged_export import save_merged


def own_backbones() -> dict[str, tuple[type, dict]]:
    """The project's LoRA backbones by class name, with their default
    ``lora_cfg``."""
    return {
        'UNIVVisionTransformer':
        (univ_vit.UNIVVisionTransformer, univ_vit.DEFAULT_LORA_CFG),
        'UNIVConvMAE': (univ_convmae.UNIVConvMAE,
                        univ_convmae.DEFAULT_LORA_CFG),
    }


def _own_backbone(backbone_cfg: dict, where: str) -> tuple[type, dict]:
    """The class and default ``lora_cfg`` of the backbone ``backbone_cfg``
    names; its ``type`` is only compared with :func:`own_backbones`.

    Raises:
        KeyError: ``type`` names none of them.
    """
    name = str(backbone_cfg.get('type', '')).removeprefix('univ_mm.')
    backbones = own_backbones()
    if name not in backbones:
        raise KeyError(
            f'{where}: model.backbone.type {backbone_cfg.get("type")!r} is '
            f'not one of the project\'s LoRA backbones {sorted(backbones)}')
    return backbones[name]


def _arch_settings(cls: type, arch: object, where: str) -> dict:
    """The settings of ``arch``: a dict as it is, a name from
    ``cls.arch_zoo``.

    Raises:
        KeyError: ``arch`` is neither.
    """
    if isinstance(arch, dict):
        return arch
    if not isinstance(arch, str) or arch.lower() not in cls.arch_zoo:
        raise KeyError(f'{where}: model.backbone.arch {arch!r} is none of '
                       f'{sorted(cls.arch_zoo)} nor a dict')
    return cls.arch_zoo[arch.lower()]


def export_backbone(checkpoint: str | Path, out: str | Path,
                    config: str | None = None) -> Path:
    """Merge LoRA into the student of ``checkpoint`` and save it to ``out``.

    Args:
        checkpoint (str | Path): A UNIV training checkpoint.
        out (str | Path): Where the plain backbone checkpoint goes.
        config (str, optional): Training config; by default the one stored
            in the checkpoint, read as literals (never executed). Either
            gives data only: the backbone type (one of the project's),
            arch and LoRA numbers. Defaults to None.

    Returns:
        Path: ``out``.

    Raises:
        IsADirectoryError: ``out`` is a folder.
        KeyError: ``checkpoint`` holds no UNIV student, or no config.
    """
    path = Path(checkpoint)
    if Path(out).is_dir():
        raise IsADirectoryError(
            f'{out} is a folder; give the output file name, e.g. '
            f'{Path(out) / "univ_backbone.pth"}')
    ckpt = load_checkpoint_safely(path)
    student = student_weights(ckpt, str(path))
    backbone_cfg = training_backbone_cfg(ckpt, str(path), config)
    where = str(config or path)
    cls, defaults = _own_backbone(backbone_cfg, where)
    merged = merge_lora_weights(
        student, merged_lora_cfg(backbone_cfg, defaults, where), where)
    run = ckpt.get('meta', {})
    return save_merged(
        merged, _arch_settings(cls, backbone_cfg.get('arch'), where), out,
        dict(source=str(path), iter=run.get('iter'), epoch=run.get('epoch')))
