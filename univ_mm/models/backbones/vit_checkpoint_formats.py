"""Recognise plain ViT checkpoints of other libraries; rename them to ours.

A ViT is found in a checkpoint by an anchor key (its patch embedding
projection) wherever it sits: at the top, under a container (``state_dict``,
``model``, ``teacher``, ``student``) or behind a prefix (``backbone.``,
``module.``, ``vit.``, ``dinov2.`` ...). Its keys are then renamed to
MMPretrain's ``VisionTransformer`` names; everything else is dropped and
reported. Nothing here needs a model: :mod:`.vit_checkpoint_loading` fits
the result to one.
"""
import math
import re
from collections import defaultdict
from dataclasses import dataclass

import torch
from torch import Tensor

#: Containers of the weights in training checkpoints, in order of preference
#: (DINO keeps both networks; its teacher is the one evaluated).
CONTAINERS = ('state_dict', 'model', 'teacher', 'student')

_PARAM = r'\.(weight|bias)'
_KEEP = r'\g<0>'
#: MMPretrain's own names, kept as they are.
MMPRETRAIN_RENAMES = tuple((pattern, _KEEP) for pattern in (
    r'cls_token', r'pos_embed', r'patch_embed\.projection' + _PARAM,
    r'pre_norm' + _PARAM, r'ln[12]' + _PARAM, r'layers\.\d+\..+'))
#: timm, and the releases written in its names: MAE, DeiT, DINO, iBOT,
#: DINOv2 (``ls1.gamma``/``ls2.gamma`` layer scale) and UNIP.
TIMM_RENAMES = (
    (r'cls_token', 'cls_token'),
    (r'pos_embed', 'pos_embed'),
    (r'patch_embed\.proj' + _PARAM, r'patch_embed.projection.\1'),
    (r'norm_pre' + _PARAM, r'pre_norm.\1'),
    (r'blocks\.(\d+)\.norm1' + _PARAM, r'layers.\1.ln1.\2'),
    (r'blocks\.(\d+)\.attn\.(qkv|proj)' + _PARAM, r'layers.\1.attn.\2.\3'),
    (r'blocks\.(\d+)\.ls1\.gamma', r'layers.\1.attn.gamma1.weight'),
    (r'blocks\.(\d+)\.norm2' + _PARAM, r'layers.\1.ln2.\2'),
    (r'blocks\.(\d+)\.mlp\.fc1' + _PARAM, r'layers.\1.ffn.layers.0.0.\2'),
    (r'blocks\.(\d+)\.mlp\.fc2' + _PARAM, r'layers.\1.ffn.layers.1.\2'),
    (r'blocks\.(\d+)\.ls2\.gamma', r'layers.\1.ffn.gamma2.weight'),
    (r'norm' + _PARAM, r'ln1.\1'),
)
_HF_EMBEDDINGS = (
    (r'embeddings\.cls_token', 'cls_token'),
    (r'embeddings\.position_embeddings', 'pos_embed'),
    (r'embeddings\.patch_embeddings\.projection' + _PARAM,
     r'patch_embed.projection.\1'),
    (r'encoder\.layer\.(\d+)\.attention\.attention\.(query|key|value)' +
     _PARAM, r'layers.\1.attn.\2.\3'),
    (r'encoder\.layer\.(\d+)\.attention\.output\.dense' + _PARAM,
     r'layers.\1.attn.proj.\2'),
    (r'layernorm' + _PARAM, r'ln1.\1'),
)
#: Hugging Face ``ViTModel`` and ``ViTMAEModel`` (q, k, v kept apart).
HF_VIT_RENAMES = _HF_EMBEDDINGS + (
    (r'encoder\.layer\.(\d+)\.layernorm_before' + _PARAM,
     r'layers.\1.ln1.\2'),
    (r'encoder\.layer\.(\d+)\.layernorm_after' + _PARAM,
     r'layers.\1.ln2.\2'),
    (r'encoder\.layer\.(\d+)\.intermediate\.dense' + _PARAM,
     r'layers.\1.ffn.layers.0.0.\2'),
    (r'encoder\.layer\.(\d+)\.output\.dense' + _PARAM,
     r'layers.\1.ffn.layers.1.\2'),
)
#: Hugging Face ``Dinov2Model`` (layer scale ``lambda1``).
HF_DINOV2_RENAMES = _HF_EMBEDDINGS + (
    (r'encoder\.layer\.(\d+)\.norm([12])' + _PARAM, r'layers.\1.ln\2.\3'),
    (r'encoder\.layer\.(\d+)\.layer_scale1\.lambda1',
     r'layers.\1.attn.gamma1.weight'),
    (r'encoder\.layer\.(\d+)\.mlp\.fc1' + _PARAM,
     r'layers.\1.ffn.layers.0.0.\2'),
    (r'encoder\.layer\.(\d+)\.mlp\.fc2' + _PARAM,
     r'layers.\1.ffn.layers.1.\2'),
    (r'encoder\.layer\.(\d+)\.layer_scale2\.lambda1',
     r'layers.\1.ffn.gamma2.weight'),
)
#: Parts that have no counterpart in MMPretrain's ViT: refused, not dropped,
#: because leaving them out changes what the network computes.
UNSUPPORTED = (
    (r'(.*\.)?(reg_token|register_tokens)',
     'register tokens, which UNIVVisionTransformer does not have; use the '
     'release without registers'),
    (r'.*\.mlp\.(w12|w3|weights_in|weights_out)\..*',
     'a SwiGLU feed-forward (e.g. DINOv2-g), which is not converted'),
    (r'.*\.attn\.(q_bias|v_bias|relative_position_bias_table)',
     'BEiT-style attention (separate q/v biases or relative position '
     'bias), which MMPretrain\'s ViT does not have'),
)


@dataclass(frozen=True)
class ViTFormat:
    """How one library names a plain ViT.

    Args:
        name (str): Shown in logs and errors.
        anchor (str): A key every checkpoint of the format has.
        marker (str): A second key that tells formats sharing the anchor
            apart; empty if none is needed.
        renames (tuple): ``(pattern, replacement)`` pairs; a key that
            fully matches a pattern is renamed with ``re.sub``, the first
            match wins, a key matching none is dropped.
        cls_may_skip_positions (bool): Whether the position embedding may
            leave the CLS token out (timm's ``no_embed_class``).
            Defaults to False.
    """

    name: str
    anchor: str
    marker: str
    renames: tuple[tuple[str, str], ...]
    cls_may_skip_positions: bool = False


FORMATS = (
    ViTFormat('MMPretrain', 'patch_embed.projection.weight', '',
              MMPRETRAIN_RENAMES),
    ViTFormat('timm / official release (MAE, DeiT, DINO, iBOT, DINOv2, '
              'UNIP)', 'patch_embed.proj.weight', '', TIMM_RENAMES,
              cls_may_skip_positions=True),
    ViTFormat('Hugging Face ViTModel / ViTMAEModel',
              'embeddings.patch_embeddings.projection.weight',
              'encoder.layer.0.layernorm_before.weight', HF_VIT_RENAMES),
    ViTFormat('Hugging Face Dinov2Model',
              'embeddings.patch_embeddings.projection.weight',
              'encoder.layer.0.norm1.weight', HF_DINOV2_RENAMES),
)


@dataclass
class ConvertedViT:
    """A ViT found in a checkpoint, under MMPretrain's names.

    Args:
        state_dict (dict): The renamed weights.
        format (ViTFormat): The recognised format.
        location (str): Where it was found: container and prefix.
        dropped (list[str]): Original keys that were left out.
    """

    state_dict: dict[str, Tensor]
    format: ViTFormat
    location: str
    dropped: list[str]

    @property
    def description(self) -> str:
        """E.g. ``"timm / ... format, under 'model' and prefix ''"``."""
        return f'{self.format.name} format, {self.location}'


def select_container(checkpoint: dict) -> tuple[dict, str]:
    """The dict holding the weights: the first container with a ViT.

    Returns:
        tuple[dict, str]: The weights and a description of where they are.
    """
    for key in CONTAINERS:
        value = checkpoint.get(key)
        if isinstance(value, dict) and find_vits(value):
            others = [k for k in CONTAINERS if k != key and k in checkpoint]
            also = f' (also present: {others})' if others else ''
            return value, f'under {key!r}{also}'
    return checkpoint, 'at the top level'


def find_vits(state_dict: dict) -> list[tuple[ViTFormat, str]]:
    """Every ``(format, prefix)`` whose anchor and marker keys exist."""
    found = []
    for fmt in FORMATS:
        for key in state_dict:
            if key != fmt.anchor and not key.endswith('.' + fmt.anchor):
                continue
            prefix = key[:len(key) - len(fmt.anchor)]
            if not fmt.marker or prefix + fmt.marker in state_dict:
                found.append((fmt, prefix))
    return found


def choose_vit(found: list[tuple[ViTFormat, str]], prefix: str | None,
               source: str) -> tuple[ViTFormat, str]:
    """The one ViT to load: the only one found, or the one at ``prefix``.

    A ``prefix`` that the checkpoint does not have is only a preference:
    a plain checkpoint loads under a config that says ``'backbone.'``.

    Raises:
        KeyError: No ViT was found, or several and ``prefix`` picks none.
    """
    if not found:
        raise KeyError(
            f'{source} has no weight of this ViT in a format it reads: no '
            'key ends with one of '
            f'{sorted({fmt.anchor for fmt in FORMATS})}. Supported formats: '
            f'{[fmt.name for fmt in FORMATS]}.')
    chosen = [item for item in found if item[1] == prefix]
    if len(chosen) == 1 or len(found) == 1:
        return (chosen or found)[0]
    raise KeyError(
        f'{source} holds several ViTs, at prefixes '
        f'{[p for _, p in found]}; set init_cfg.prefix to the one to load.')


def rename(state_dict: dict[str, Tensor], fmt: ViTFormat,
           prefix: str) -> tuple[dict[str, Tensor], list[str]]:
    """Rename the keys under ``prefix``; return them and the dropped keys."""
    renamed, dropped = {}, []
    for key, value in state_dict.items():
        relative = key[len(prefix):] if key.startswith(prefix) else None
        new = None if relative is None else _renamed(relative, fmt.renames)
        if new is None:
            dropped.append(key)
        else:
            renamed[new] = value
    return renamed, dropped


def _renamed(key: str, renames: tuple[tuple[str, str], ...]) -> str | None:
    for reason_pattern, reason in UNSUPPORTED:
        if re.fullmatch(reason_pattern, key):
            raise ValueError(f'the checkpoint has {key!r}: {reason}.')
    for pattern, replacement in renames:
        if re.fullmatch(pattern, key):
            return re.sub(pattern, replacement, key)
    return None


def fuse_qkv(state_dict: dict[str, Tensor]) -> dict[str, Tensor]:
    """Concatenate separate ``attn.query/key/value`` into ``attn.qkv``.

    Rows are stacked q, k, v, as MMPretrain's attention splits them.
    """
    fused = {}
    for key, value in state_dict.items():
        match = re.fullmatch(r'(.+\.attn\.)(query|key|value)\.(\w+)', key)
        if match is None:
            fused[key] = value
        elif match[2] == 'query':
            head, _, param = match.groups()
            parts = [state_dict.get(f'{head}{name}.{param}')
                     for name in ('query', 'key', 'value')]
            if any(part is None for part in parts):
                raise KeyError(f'{head}key/value.{param} missing next to '
                               f'{key}')
            fused[f'{head}qkv.{param}'] = torch.cat(parts)
    return fused


def embed_cls_position(state_dict: dict[str, Tensor]) -> dict[str, Tensor]:
    """Give the CLS token a zero position embedding where it has none.

    Some timm models (DeiT III, ``no_embed_class``) add position
    embeddings to the patches only; MMPretrain adds them to every token.
    A zero row for the CLS token computes the same thing.
    """
    pos_embed = state_dict.get('pos_embed')
    if 'cls_token' not in state_dict or pos_embed is None or \
            math.isqrt(pos_embed.shape[1])**2 != pos_embed.shape[1]:
        return state_dict
    zero = pos_embed.new_zeros(1, 1, pos_embed.shape[2])
    return {**state_dict, 'pos_embed': torch.cat([zero, pos_embed], 1)}


def convert_vit(checkpoint: dict, source: str,
                prefix: str | None = None) -> ConvertedViT:
    """Find the ViT in ``checkpoint`` and rename it to MMPretrain's names.

    Args:
        checkpoint (dict): As loaded from the file.
        source (str): The file, for messages.
        prefix (str, optional): Which ViT to take when the checkpoint holds
            several (e.g. ``'teacher.'`` of a UNIV training checkpoint).
            Defaults to None (the only one).

    Returns:
        ConvertedViT: The weights, the format, where they were, and every
        key that was dropped.
    """
    state_dict, where = select_container(checkpoint)
    fmt, prefix = choose_vit(find_vits(state_dict), prefix, source)
    try:
        renamed, dropped = rename(state_dict, fmt, prefix)
    except ValueError as err:
        raise ValueError(f'{source} ({fmt.name} format): {err}') from err
    renamed = fuse_qkv(renamed)
    if fmt.cls_may_skip_positions:
        renamed = embed_cls_position(renamed)
    return ConvertedViT(renamed, fmt, f'{where}, prefix {prefix!r}',
                        dropped)


def summarise_keys(keys: list[str]) -> list[str]:
    """Name many keys briefly: ``blocks.{0..7}.norm1.weight``.

    Keys that differ only in one block index are merged into a range when
    the indices are consecutive; every key stays named.
    """
    groups = defaultdict(list)
    for key in keys:
        match = re.fullmatch(r'(.*?\.)(\d+)(\..*)', key)
        if match is None:
            groups[(key, '')].append(None)
        else:
            groups[(match[1], match[3])].append(int(match[2]))
    lines = []
    for (head, tail), indices in groups.items():
        if indices == [None]:
            lines.append(head)
        elif len(indices) > 1 and sorted(indices) == list(
                range(min(indices), max(indices) + 1)):
            lines.append(f'{head}{{{min(indices)}..{max(indices)}}}{tail}')
        else:
            lines += [f'{head}{index}{tail}' for index in indices]
    return lines
