"""What a ViT reads: plain ViT checkpoints of other libraries.

A ViT is found by its patch embedding wherever it sits (the shared rules
of :mod:`.rules`); its keys are renamed to MMPretrain's
``VisionTransformer`` names by the tables below, everything else is dropped
and reported. It must fill every weight of the ViT (no fresh keys); its
final norms may be left unused.
"""
import math
import re

import torch
from torch import Tensor, nn

from .fit import resize_position_embedding
from .rules import KEEP, Architecture, ConvertedWeights, Format, convert

_PARAM = r'\.(weight|bias)'
#: MMPretrain's own names, kept as they are.
MMPRETRAIN_RENAMES = tuple((pattern, KEEP) for pattern in (
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


#: Converted keys a model may leave unused: its final norms.
UNUSED_OK = (r'^ln1\.', r'^ln2\.')
#: Advice for weights that one side has and the other lacks, by a pattern
#: (``re.search``) of their converted names; the first that matches wins.
EXTRA_HINTS = {
    'gamma': 'the checkpoint has layer scale: build the ViT with '
             'layer_scale_init_value=1e-5 (DINOv2)',
    '^pre_norm': 'the checkpoint has a norm before the blocks: build the '
                 'ViT with pre_norm=True',
    r'^layers\.': 'the checkpoint is deeper than the ViT: check arch',
}
MISSING_HINTS = {
    'gamma': 'the checkpoint has no layer scale: build the ViT with '
             'layer_scale_init_value=0',
    r'^ln1\.': 'the checkpoint has no final norm on the tokens (a '
               'global-pool classifier keeps fc_norm instead): build the ViT '
               'with final_norm=False',
    r'qkv\.bias': 'the checkpoint has no qkv bias: build the ViT with '
                  'qkv_bias=False',
    r'^layers\.': 'the checkpoint is shallower than the ViT: check arch',
}


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


FORMATS = (
    Format('MMPretrain', 'patch_embed.projection.weight', '',
           MMPRETRAIN_RENAMES, (fuse_qkv, )),
    Format('timm / official release (MAE, DeiT, DINO, iBOT, DINOv2, UNIP)',
           'patch_embed.proj.weight', '', TIMM_RENAMES,
           (fuse_qkv, embed_cls_position)),
    Format('Hugging Face ViTModel / ViTMAEModel',
           'embeddings.patch_embeddings.projection.weight',
           'encoder.layer.0.layernorm_before.weight', HF_VIT_RENAMES,
           (fuse_qkv, )),
    Format('Hugging Face Dinov2Model',
           'embeddings.patch_embeddings.projection.weight',
           'encoder.layer.0.norm1.weight', HF_DINOV2_RENAMES, (fuse_qkv, )),
)


def match_cls_token(state: dict[str, Tensor], expected: dict[str, Tensor],
                    where: str) -> dict[str, Tensor]:
    """Drop the checkpoint's CLS token if the ViT (its state ``expected``)
    has none; refuse the reverse.

    Raises:
        ValueError: The ViT has a CLS token the checkpoint cannot fill.
    """
    with_cls_token = 'cls_token' in expected
    if 'cls_token' not in state and with_cls_token:
        raise ValueError(
            f'{where} has no CLS token (e.g. a global-pool model): build the '
            "ViT with with_cls_token=False and out_type='featmap' or "
            "'avg_featmap'.")
    if 'cls_token' in state and not with_cls_token:
        state = {k: v for k, v in state.items() if k != 'cls_token'}
        state['pos_embed'] = state['pos_embed'][:, 1:]
    return state


#: The config keys that take the backbone's width in the downstream
#: configs: they follow the arch.
WIDTH_KEYS = ('model.decode_head.in_channels', 'model.decode_head.channels',
              'model.auxiliary_head.in_channels', 'model.neck.embed_dim',
              'model.neck.in_channels')


def arch_advice(state: dict[str, Tensor], arch_zoo: dict) -> str:
    """What to set in a config so that its ViT takes the weights ``state``:
    the arch of ``arch_zoo`` of the same width and depth, the patch size,
    and the keys that follow from the width ('' without a patch
    embedding)."""
    if 'patch_embed.projection.weight' not in state:
        return ''
    dims, _, patch, _ = state['patch_embed.projection.weight'].shape
    depth = 1 + max((int(m.group(1)) for key in state
                     if (m := re.match(r'layers\.(\d+)\.', key))), default=-1)
    archs = [name for name, arch in arch_zoo.items()
             if (arch['embed_dims'], arch['num_layers']) == (dims, depth)]
    arch = f"arch={archs[0]!r}" if archs else \
        f'arch=dict(embed_dims={dims}, num_layers={depth}, ...)'
    return (f'The checkpoint is a ViT of width {dims}, {depth} blocks, patch '
            f'{patch}: set model.backbone.{arch} and '
            f'model.backbone.patch_size={patch}, and give the backbone\'s '
            f'width {dims} to what reads it ({", ".join(WIDTH_KEYS)}, as '
            'the config has them; a linear probe\'s concatenated channels '
            'are a multiple of it).')


def _arch_advice(state: dict[str, Tensor], model: nn.Module) -> str:
    return arch_advice(state, getattr(model, 'arch_zoo', {}))


#: What ``UNIVVisionTransformer`` declares: DINO training checkpoints keep
#: both networks, and the teacher is the one evaluated.
VIT = Architecture(
    name='ViT', formats=FORMATS, patch_embed='patch_embed.projection.weight',
    trained_network='teacher', fresh=(), unused_ok=UNUSED_OK,
    unsupported=UNSUPPORTED, adapters=(match_cls_token, ),
    resizers={'pos_embed': resize_position_embedding},
    extra_hints=EXTRA_HINTS, missing_hints=MISSING_HINTS,
    advise=_arch_advice, advise_when=r'^layers\.')


def convert_vit(checkpoint: dict, source: str,
                prefix: str | None = None) -> ConvertedWeights:
    """Find the ViT in ``checkpoint`` and rename it to MMPretrain's names
    (:func:`.rules.convert` with :data:`VIT`)."""
    return convert(checkpoint, source, prefix, VIT)


