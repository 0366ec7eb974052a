"""Export the merged student backbone of UNIV: during training (the
``MergedBackboneExportHook``) and from a training checkpoint
(``tools/export_backbone.py``), both through :func:`export_merged_backbone`."""
import ast
import json
from pathlib import Path

from mmengine.config import Config
from mmengine.logging import print_log
from torch import nn

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


def student_backbone(checkpoint: dict, source: str | Path,
                     config: str | None = None) -> nn.Module:
    """The LoRA student backbone of a UNIV training checkpoint.

    The backbone is built from the training config and loads the student's
    ``backbone.*`` weights (PEFT's names).

    Args:
        checkpoint (dict): A loaded training checkpoint.
        source (str | Path): Where it comes from, for messages.
        config (str, optional): Training config; by default the one stored
            in the checkpoint, read as literals (never executed). Defaults
            to None.

    Returns:
        nn.Module: The student, LoRA unmerged.

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
    return backbone


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
    merged = student_backbone(checkpoint, source).merged_state_dict()
    print_log(f'{source}: merged the LoRA student ({PREFIX}*) as '
              'tools/export_backbone.py does', logger='current')
    return dict(state_dict={PREFIX + k: v for k, v in merged.items()})


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
    # a custom arch comes from the config as a ConfigDict: store builtins
    arch = json.loads(json.dumps(backbone.arch_settings))
    return save_merged_backbone(backbone.merged_state_dict(), out,
                                dict(meta, arch=arch))


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
    run = ckpt.get('meta', {})
    return export_merged_backbone(
        student_backbone(ckpt, path, config), out, source=str(path),
        iter=run.get('iter'), epoch=run.get('epoch'))
