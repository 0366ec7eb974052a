"""Export the merged student backbone of a UNIV training checkpoint."""
import ast
from pathlib import Path

from mmengine.config import Config

from univ_mm.registry import MODELS
from univ_mm.utils.checkpoint import (
    load_checkpoint_safely,
    save_merged_backbone,
)

PREFIX = 'backbone.'


def _literal(node: ast.expr) -> object:
    """The value of a literal expression; ``dict(k=v, ...)`` counts."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
            and node.func.id == 'dict' and not node.args \
            and all(k.arg for k in node.keywords):
        return {k.arg: _literal(k.value) for k in node.keywords}
    if isinstance(node, (ast.List, ast.Tuple)):
        values = [_literal(e) for e in node.elts]
        return values if isinstance(node, ast.List) else tuple(values)
    if isinstance(node, ast.Dict) and None not in node.keys:
        return {_literal(k): _literal(v)
                for k, v in zip(node.keys, node.values, strict=True)}
    return ast.literal_eval(node)  # constants, sets, signed numbers


def literal_config(text: str, source: str) -> Config:
    """Read config text of ``name = literal`` lines without executing it.

    MMEngine saves the training config as such text (``meta['cfg']``);
    ``Config.fromstring`` would run it as Python, so a crafted checkpoint
    could run code. Here only literals are read.

    Args:
        text (str): The config text.
        source (str): Where it comes from, for the error message.

    Returns:
        Config: The config.

    Raises:
        ValueError: A line is not a plain ``name = literal`` assignment.
    """
    cfg = {}
    for statement in ast.parse(text).body:
        try:
            if not (isinstance(statement, ast.Assign)
                    and len(statement.targets) == 1
                    and isinstance(statement.targets[0], ast.Name)):
                raise ValueError('not a "name = value" line')
            cfg[statement.targets[0].id] = _literal(statement.value)
        except ValueError as err:
            raise ValueError(
                f'{source}: line {statement.lineno} is not a plain literal '
                f'({err}); config text from a checkpoint is never executed. '
                'Pass the training config explicitly (--config).') from err
    return Config(cfg)


def _training_config(checkpoint: dict, path: Path,
                     config: str | None) -> Config:
    if config is not None:
        return Config.fromfile(config)
    text = checkpoint.get('meta', {}).get('cfg')
    if not text:
        raise KeyError(f'{path} carries no meta.cfg; pass the training '
                       'config explicitly (--config)')
    return literal_config(text, f'meta["cfg"] of {path}')


def export_backbone(checkpoint: str | Path, out: str | Path,
                    config: str | None = None) -> Path:
    """Merge LoRA into the student of ``checkpoint`` and save it to ``out``.

    Args:
        checkpoint (str | Path): A UNIV training checkpoint.
        out (str | Path): Where the plain backbone checkpoint goes.
        config (str, optional): Training config; by default the one stored
            in the checkpoint, read as literals (never executed). Defaults
            to None.

    Returns:
        Path: ``out``.

    Raises:
        IsADirectoryError: ``out`` is a folder.
        KeyError: ``checkpoint`` holds no UNIV student.
    """
    path = Path(checkpoint)
    if Path(out).is_dir():
        raise IsADirectoryError(
            f'{out} is a folder; give the output file name, e.g. '
            f'{Path(out) / "univ_backbone.pth"}')
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
