"""Merge a UNIV student's PEFT LoRA adapters on the tensors.

PEFT's adapters are merged as ``merged_state_dict()`` merges them on the
module, without building anything: the export
(:mod:`univ_mm.utils.export`) and the pretrained-weights pipeline
(:mod:`.pretrained.lora`) share it. What a checkpoint's config text adds is
read as literals (:func:`univ_mm.checkpoint.literal_config.literal_config`)
and used as data only: the LoRA ``lora_alpha``/``use_rslora`` numbers.
"""
import math
from collections.abc import Callable

import torch
import torch.nn.functional as F
from mmengine.config import Config
from torch import Tensor

from univ_mm.checkpoint.literal_config import literal_config

PREFIX = 'backbone.'
#: PEFT's names of a LoRA-wrapped layer ``X``: ``X.base_layer.weight``
#: (and ``.bias``), ``X.lora_A.default.weight``, ``X.lora_B.default.weight``.
BASE_LAYER = '.base_layer.'
LORA_A, LORA_B = '.lora_A.default.weight', '.lora_B.default.weight'


def training_backbone_cfg(checkpoint: dict, source: str,
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


def student_weights(checkpoint: dict, source: str) -> dict[str, Tensor]:
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


def merged_lora_cfg(backbone_cfg: dict, defaults: dict, where: str) -> dict:
    """``backbone_cfg``'s ``lora_cfg`` over a backbone's defaults.

    Raises:
        ValueError: ``lora_cfg`` is not a dict.
    """
    lora_cfg = backbone_cfg.get('lora_cfg') or {}
    if not isinstance(lora_cfg, dict):
        raise ValueError(f'{where}: model.backbone.lora_cfg is '
                         f'{lora_cfg!r}, not a dict')
    return {**defaults, **lora_cfg}
