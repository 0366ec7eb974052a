"""Export the merged student backbone of a UNIV training checkpoint."""
from pathlib import Path

from mmengine.config import Config

from univ_mm.registry import MODELS
from univ_mm.utils.checkpoint import (
    load_checkpoint_safely,
    save_merged_backbone,
)

PREFIX = 'backbone.'


def _training_config(checkpoint: dict, path: Path,
                     config: str | None) -> Config:
    if config is not None:
        return Config.fromfile(config)
    text = checkpoint.get('meta', {}).get('cfg')
    if not text:
        raise KeyError(f'{path} carries no meta.cfg; pass the training '
                       'config explicitly (--config)')
    return Config.fromstring(text, file_format='.py')


def export_backbone(checkpoint: str | Path, out: str | Path,
                    config: str | None = None) -> Path:
    """Merge LoRA into the student of ``checkpoint`` and save it to ``out``.

    Args:
        checkpoint (str | Path): A UNIV training checkpoint.
        out (str | Path): Where the plain backbone checkpoint goes.
        config (str, optional): Training config; by default the one stored
            in the checkpoint. Defaults to None.

    Returns:
        Path: ``out``.
    """
    path = Path(checkpoint)
    ckpt = load_checkpoint_safely(path)
    if 'state_dict' not in ckpt:
        raise KeyError(f'{path} has no "state_dict"; is it a training '
                       'checkpoint written by tools/train.py?')
    student = {k[len(PREFIX):]: v for k, v in ckpt['state_dict'].items()
               if k.startswith(PREFIX)}
    if not student:
        raise KeyError(f'{path} holds no "{PREFIX}*" weights')
    cfg = _training_config(ckpt, path, config)
    backbone = MODELS.build(cfg.model.backbone)
    backbone.load_state_dict(student)
    meta = dict(source=str(path), iter=ckpt.get('meta', {}).get('iter'))
    return save_merged_backbone(backbone.merged_state_dict(), out, meta)
