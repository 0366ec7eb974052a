"""Export the merged student backbone of UNIV: during training (the
``MergedBackboneExportHook``) and from a training checkpoint
(``tools/export_backbone.py``).

Merging a checkpoint's LoRA student builds nothing: PEFT's adapters are
merged on the tensors (:func:`merge_lora_weights`), as
``merged_state_dict()`` merges them on the module. What a checkpoint's
config text adds is read as literals (never executed) and used as data
only: the LoRA ``lora_alpha``/``use_rslora`` numbers and the ``arch``; the
backbone ``type`` it names only picks one of the project's own backbones
(:func:`own_backbones`), it is never looked up in a registry or imported.
"""
import ast
import json
import math
from collections.abc import Callable
from pathlib import Path

import torch
import torch.nn.functional as F
from mmengine.config import Config
from torch import Tensor, nn

from univ_mm.utils.checkpoint import (
    load_checkpoint_safely,
    save_merged_backbone,
)

PREFIX = 'backbone.'
#: PEFT's names of a LoRA-wrapped layer ``X``: ``X.base_layer.weight``
#: (and ``.bias``), ``X.lora_A.default.weight``, ``X.lora_B.default.weight``.
BASE_LAYER = '.base_layer.'
LORA_A, LORA_B = '.lora_A.default.weight', '.lora_B.default.weight'


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
                'Export the backbone with tools/export_backbone.py '
                'CHECKPOINT OUT --config TRAINING_CONFIG and load OUT.'
            ) from err
    return Config(cfg)


def own_backbones() -> dict[str, tuple[type, dict]]:
    """The project's LoRA backbones by class name, with their default
    ``lora_cfg`` (imported here: the backbones import this module)."""
    from univ_mm.models.backbones import univ_convmae, univ_vit
    return {
        'UNIVVisionTransformer':
        (univ_vit.UNIVVisionTransformer, univ_vit.DEFAULT_LORA_CFG),
        'UNIVConvMAE': (univ_convmae.UNIVConvMAE,
                        univ_convmae.DEFAULT_LORA_CFG),
    }


def _backbone_cfg(checkpoint: dict, source: str,
                  config: str | None = None) -> dict:
    """``model.backbone`` of the training config: ``config`` (a file the
    user gives), else the checkpoint's ``meta['cfg']`` read as literals.

    Raises:
        KeyError: There is neither.
        ValueError: ``meta['cfg']`` is not literals, or ``model.backbone``
            not a dict.
    """
    if config is not None:
        cfg = Config.fromfile(config)
    else:
        meta = checkpoint.get('meta')
        text = meta.get('cfg') if isinstance(meta, dict) else None
        if not text or not isinstance(text, str):
            raise KeyError(
                f'{source} carries no meta.cfg; pass the training config '
                f'explicitly: tools/export_backbone.py {source} OUT.pth '
                '--config CONFIG, then load OUT.pth')
        cfg = literal_config(text, f'meta["cfg"] of {source}')
    model = cfg.get('model', {})
    backbone = model.get('backbone', {}) if isinstance(model, dict) else model
    if not isinstance(backbone, dict):
        raise ValueError(f'model.backbone of {config or source} is '
                         f'{backbone!r}, not a dict')
    return backbone


def _lora_scaling(lora_cfg: dict, where: str) -> Callable[[int], float]:
    """PEFT's scaling of a rank-``r`` adapter: alpha / r (rsLoRA: alpha /
    sqrt(r)), from the numbers of ``lora_cfg``."""
    alpha, rslora = lora_cfg.get('lora_alpha'), lora_cfg.get('use_rslora',
                                                             False)
    if isinstance(alpha, bool) or not isinstance(alpha, (int, float)) or \
            not isinstance(rslora, bool):
        raise ValueError(
            f'{where}: lora_cfg.lora_alpha must be a number and use_rslora '
            f'True or False, not {alpha!r} and {rslora!r}')
    if lora_cfg.get('alpha_pattern'):
        raise ValueError(f'{where}: lora_cfg.alpha_pattern is not merged; '
                         'train with one lora_alpha')
    return lambda r: alpha / math.sqrt(r) if rslora else alpha / r


def _delta_weight(weight: Tensor, lora_a: Tensor, lora_b: Tensor,
                  scaling: float) -> Tensor:
    """PEFT's ``get_delta_weight`` of a Linear or Conv2d, on CPU tensors:
    half precision is multiplied in float32."""
    half = lora_a.dtype in (torch.float16, torch.bfloat16)
    a, b = (lora_a.float(), lora_b.float()) if half else (lora_a, lora_b)
    if weight.dim() == 2:
        delta = (b @ a) * scaling
    elif weight.shape[2:] == (1, 1):
        delta = (b.flatten(1) @ a.flatten(1))[..., None, None] * scaling
    else:
        delta = F.conv2d(a.transpose(0, 1), b).transpose(0, 1) * scaling
    return delta.to(lora_a.dtype)


def _lora_layer(state: dict[str, Tensor], layer: str,
                where: str) -> tuple[Tensor, Tensor, Tensor]:
    """The base weight and the A and B of the LoRA-wrapped ``layer``.

    Raises:
        ValueError: One is missing, or their shapes do not chain.
    """
    names = (f'{layer}{BASE_LAYER}weight', layer + LORA_A, layer + LORA_B)
    missing = [name for name in names if name not in state]
    if missing:
        raise ValueError(f'{where}: LoRA layer {layer} lacks {missing}')
    weight, a, b = (state[name] for name in names)
    if weight.dim() not in (2, 4) or a.dim() != weight.dim() or \
            b.dim() != weight.dim() or b.shape[0] != weight.shape[0] or \
            a.shape[1] != weight.shape[1] or b.shape[1] != a.shape[0]:
        raise ValueError(
            f'{where}: the LoRA of {layer} does not fit its weight '
            f'{tuple(weight.shape)}: A {tuple(a.shape)}, B '
            f'{tuple(b.shape)} (only linear and ungrouped convolution '
            'layers are merged)')
    return weight, a, b


def merge_lora_weights(state: dict[str, Tensor], lora_cfg: dict,
                       where: str) -> dict[str, Tensor]:
    """Merge PEFT LoRA adapters into their base weights, on the tensors.

    For every ``X.lora_A.default.weight`` the merged ``X.weight`` is
    ``X.base_layer.weight + scaling * B @ A`` (convolutions as PEFT merges
    them), ``scaling`` from ``lora_cfg`` and the rank of A: exactly what
    ``merged_state_dict()`` of the backbone gives.

    Args:
        state (dict[str, Tensor]): A student's weights, PEFT's names.
        lora_cfg (dict): Its LoRA config (``lora_alpha``, ``use_rslora``).
        where (str): Where ``state`` comes from, for messages.

    Returns:
        dict[str, Tensor]: The weights under the plain names, LoRA merged.

    Raises:
        ValueError: A LoRA weight is not a plain ``default`` adapter, or a
            layer's adapter is incomplete or does not fit.
    """
    lora = [key for key in state if 'lora_' in key]
    other = [key for key in lora if not key.endswith((LORA_A, LORA_B))]
    if other:
        raise ValueError(
            f'{where}: {other[:3]} are not the weights of a plain LoRA '
            'adapter named "default" (no DoRA, no LoRA bias); merge them '
            'into the base weights first')
    scaling = _lora_scaling(lora_cfg, where)
    merged = {key.replace(BASE_LAYER, '.'): value
              for key, value in state.items() if 'lora_' not in key}
    for layer in sorted({key.rsplit('.lora_', 1)[0] for key in lora}):
        weight, a, b = _lora_layer(state, layer, where)
        merged[f'{layer}.weight'] = weight + _delta_weight(
            weight, a, b, scaling(a.shape[0]))
    return merged


def _student_weights(checkpoint: dict, source: str) -> dict[str, Tensor]:
    """The ``backbone.*`` weights of a training checkpoint, unprefixed.

    Raises:
        KeyError: ``checkpoint`` holds no UNIV student.
    """
    if not isinstance(checkpoint.get('state_dict'), dict):
        raise KeyError(f'{source} has no "state_dict"; is it a training '
                       'checkpoint written by tools/train.py?')
    student = {k[len(PREFIX):]: v for k, v in checkpoint['state_dict'].items()
               if k.startswith(PREFIX)}
    if not student:
        raise KeyError(f'{source} holds no "{PREFIX}*" weights')
    return student


def _save_merged(state: dict[str, Tensor], arch: dict, out: str | Path,
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
    return _save_merged(backbone.merged_state_dict(),
                        backbone.arch_settings, out, meta)


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


def _lora_cfg(backbone_cfg: dict, defaults: dict, where: str) -> dict:
    """``backbone_cfg``'s ``lora_cfg`` over a backbone's defaults.

    Raises:
        ValueError: ``lora_cfg`` is not a dict.
    """
    lora_cfg = backbone_cfg.get('lora_cfg') or {}
    if not isinstance(lora_cfg, dict):
        raise ValueError(f'{where}: model.backbone.lora_cfg is '
                         f'{lora_cfg!r}, not a dict')
    return {**defaults, **lora_cfg}


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
    student = _student_weights(ckpt, str(path))
    backbone_cfg = _backbone_cfg(ckpt, str(path), config)
    where = str(config or path)
    cls, defaults = _own_backbone(backbone_cfg, where)
    merged = merge_lora_weights(
        student, _lora_cfg(backbone_cfg, defaults, where), where)
    run = ckpt.get('meta', {})
    return _save_merged(
        merged, _arch_settings(cls, backbone_cfg.get('arch'), where), out,
        dict(source=str(path), iter=run.get('iter'), epoch=run.get('epoch')))
