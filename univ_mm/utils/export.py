"""Export the merged student backbone of a UNIV training checkpoint."""
import ast
from pathlib import Path

from mmengine.config import Config
from mmengine.logging import print_log
from torch import Tensor

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


def _training_config(checkpoint: dict, source: str | Path,
                     config: str | None) -> Config:
    if config is not None:
        return Config.fromfile(config)
    text = checkpoint.get('meta', {}).get('cfg')
    if not text:
        raise KeyError(f'{source} carries no meta.cfg; pass the training '
                       'config explicitly: tools/export_backbone.py '
                       f'{source} OUT.pth --config CONFIG, then load OUT.pth')
    return literal_config(text, f'meta["cfg"] of {source}')


def merged_student(checkpoint: dict, source: str | Path,
                   config: str | None = None) -> dict[str, Tensor]:
    """The student backbone of a UNIV training checkpoint, LoRA merged.

    The backbone is built from the training config, loads the student's
    ``backbone.*`` weights (PEFT's names) and gives
    :meth:`merged_state_dict`.

    Args:
        checkpoint (dict): A loaded training checkpoint.
        source (str | Path): Where it comes from, for messages.
        config (str, optional): Training config; by default the one stored
            in the checkpoint, read as literals (never executed). Defaults
            to None.

    Returns:
        dict[str, Tensor]: The merged weights under the plain names.

    Raises:
        KeyError: ``checkpoint`` holds no UNIV student, or no config.
    """
    if 'state_dict' not in checkpoint:
        raise KeyError(f'{source} has no "state_dict"; is it a training '
                       'checkpoint written by tools/train.py?')
    student = {k[len(PREFIX):]: v for k, v in checkpoint['state_dict'].items()
               if k.startswith(PREFIX)}
    if not student:
        raise KeyError(f'{source} holds no "{PREFIX}*" weights')
    cfg = _training_config(checkpoint, source, config)
    backbone = MODELS.build(cfg.model.backbone)
    backbone.load_state_dict(student)
    return backbone.merged_state_dict()


def merge_lora_student(checkpoint: dict, source: str,
                       prefix: str | None = None) -> dict:
    """What a backbone loads from ``checkpoint``, its LoRA student merged.

    A UNIV training checkpoint (``iter_N.pth``) holds the student unmerged
    (``backbone.*.base_layer.weight``, ``lora_A``/``lora_B``). When that is
    what ``prefix`` asks for, it is merged as :func:`export_backbone` does,
    so both backbones load training checkpoints like exports.

    Args:
        checkpoint (dict): A loaded checkpoint of any format.
        source (str): Where it comes from, for messages.
        prefix (str, optional): The ``init_cfg.prefix`` of the loading
            backbone; another than ``'backbone.'`` (e.g. ``'teacher.'``)
            leaves the checkpoint as it is. Defaults to None.

    Returns:
        dict: ``checkpoint`` itself when it has no LoRA student to load,
        else ``dict(state_dict=...)`` with only the merged student, under
        ``backbone.``.
    """
    state = checkpoint.get('state_dict')
    if prefix not in (None, PREFIX) or not isinstance(state, dict) or \
            not any(k.startswith(PREFIX) and 'lora_' in k for k in state):
        return checkpoint
    merged = merged_student(checkpoint, source)
    print_log(f'{source}: merged the LoRA student ({PREFIX}*) as '
              'tools/export_backbone.py does', logger='current')
    return dict(state_dict={PREFIX + k: v for k, v in merged.items()})


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
    meta = dict(source=str(path), iter=ckpt.get('meta', {}).get('iter'))
    return save_merged_backbone(merged_student(ckpt, path, config), out,
                                meta)
