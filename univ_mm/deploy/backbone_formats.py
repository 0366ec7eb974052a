"""Write a merged UNIV backbone in the formats other libraries read.

The input is a merged export (``univ_backbone_iter_N.pth`` of pre-training
or the output of ``tools/export_backbone.py``): ``dict(state_dict, meta)``
under MMPretrain's ViT names or the ConvMAE release's names. Outputs:

- ``timm``: one ``.safetensors`` file under timm's ``VisionTransformer``
  names, loaded by ``timm.create_model(name, pretrained=True,
  pretrained_cfg_overlay=dict(file=path), **kwargs)``;
- ``hf``: a ``save_pretrained`` folder of ``transformers.ViTModel``;
- ``convmae-release``: ``dict(model=...)`` as the ConvMAE release ships it
  (what :mod:`univ_mm.models.backbones.pretrained.convmae` reads).

The renames are the inverse of the readers in
:mod:`univ_mm.models.backbones.pretrained.vit`, so each export read
back by our loaders gives the same tensors.
"""
import math
import re
from dataclasses import dataclass
from pathlib import Path

from torch import Tensor

from univ_mm.checkpoint.safe_io import load_checkpoint_safely

#: Anchor keys of the two architectures in a merged export.
VIT_ANCHOR = 'patch_embed.projection.weight'
CONVMAE_ANCHOR = 'patch_embed1.proj.weight'
#: What each format can take.
FORMATS = {'timm': 'vit', 'hf': 'vit', 'convmae-release': 'convmae'}
#: MMPretrain names -> timm names (the inverse of ``TIMM_RENAMES``).
TO_TIMM = (
    (r'patch_embed\.projection\.(weight|bias)', r'patch_embed.proj.\1'),
    (r'pre_norm\.(weight|bias)', r'norm_pre.\1'),
    (r'layers\.(\d+)\.ln1\.(weight|bias)', r'blocks.\1.norm1.\2'),
    (r'layers\.(\d+)\.attn\.(qkv|proj)\.(weight|bias)',
     r'blocks.\1.attn.\2.\3'),
    (r'layers\.(\d+)\.attn\.gamma1\.weight', r'blocks.\1.ls1.gamma'),
    (r'layers\.(\d+)\.ln2\.(weight|bias)', r'blocks.\1.norm2.\2'),
    (r'layers\.(\d+)\.ffn\.layers\.0\.0\.(weight|bias)',
     r'blocks.\1.mlp.fc1.\2'),
    (r'layers\.(\d+)\.ffn\.layers\.1\.(weight|bias)',
     r'blocks.\1.mlp.fc2.\2'),
    (r'layers\.(\d+)\.ffn\.gamma2\.weight', r'blocks.\1.ls2.gamma'),
    (r'ln1\.(weight|bias)', r'norm.\1'),
    (r'(cls_token|pos_embed)', r'\1'),
)
#: MMPretrain names -> Hugging Face ``ViTModel`` names (qkv split later).
TO_HF = (
    (r'cls_token', 'embeddings.cls_token'),
    (r'pos_embed', 'embeddings.position_embeddings'),
    (r'patch_embed\.projection\.(weight|bias)',
     r'embeddings.patch_embeddings.projection.\1'),
    (r'layers\.(\d+)\.ln1\.(weight|bias)',
     r'encoder.layer.\1.layernorm_before.\2'),
    (r'layers\.(\d+)\.attn\.qkv\.(weight|bias)',
     r'encoder.layer.\1.attention.attention.qkv.\2'),
    (r'layers\.(\d+)\.attn\.proj\.(weight|bias)',
     r'encoder.layer.\1.attention.output.dense.\2'),
    (r'layers\.(\d+)\.ln2\.(weight|bias)',
     r'encoder.layer.\1.layernorm_after.\2'),
    (r'layers\.(\d+)\.ffn\.layers\.0\.0\.(weight|bias)',
     r'encoder.layer.\1.intermediate.dense.\2'),
    (r'layers\.(\d+)\.ffn\.layers\.1\.(weight|bias)',
     r'encoder.layer.\1.output.dense.\2'),
    (r'ln1\.(weight|bias)', r'layernorm.\1'),
)
#: timm names of the standard sizes: (embed dims, depth, heads) -> model.
TIMM_NAMES = {
    (192, 12, 3): 'vit_tiny_patch{p}_{s}',
    (384, 12, 6): 'vit_small_patch{p}_{s}',
    (768, 12, 12): 'vit_base_patch{p}_{s}',
    (1024, 24, 16): 'vit_large_patch{p}_{s}',
}
#: MMPretrain's ViT normalises with eps 1e-6 (its ``norm_cfg`` default).
LAYER_NORM_EPS = 1e-6


@dataclass(frozen=True)
class ViTShape:
    """What a merged ViT export is, read from its tensors.

    Args:
        embed_dims (int): Token width.
        depth (int): Number of blocks.
        num_heads (int): Attention heads (from ``meta['arch']``).
        mlp_dims (int): Feed-forward width.
        patch_size (int): Patch side in pixels.
        img_size (int): Side of the image the position embedding is for.
        class_token (bool): Whether there is a CLS token.
        final_norm (bool): Whether the tokens are normalised at the end.
        pre_norm (bool): Whether there is a norm before the blocks.
        layer_scale (bool): Whether the blocks have layer scale.
    """

    embed_dims: int
    depth: int
    num_heads: int
    mlp_dims: int
    patch_size: int
    img_size: int
    class_token: bool
    final_norm: bool
    pre_norm: bool
    layer_scale: bool


def read_merged_export(path: str | Path) -> tuple[dict[str, Tensor], dict]:
    """The weights and ``meta`` of a merged export, with its architecture
    (``'vit'`` or ``'convmae'``) under ``meta['architecture']``.

    Raises:
        ValueError: ``path`` is a training checkpoint (unmerged LoRA, or
            ``backbone.``/``teacher.`` prefixes) or holds no backbone; the
            message says how to make the export.
    """
    checkpoint = load_checkpoint_safely(path)
    state = checkpoint.get('state_dict')
    if not isinstance(state, dict):
        raise ValueError(f'{path} has no "state_dict": it is not a merged '
                         'backbone export (univ_backbone_iter_N.pth)')
    if any('lora_' in k or k.startswith(('backbone.', 'teacher.'))
           for k in state):
        raise ValueError(
            f'{path} is a training checkpoint (prefixed or unmerged LoRA '
            'weights), not a merged backbone. Merge it first: python '
            f'tools/export_backbone.py {path} univ_backbone.pth, then '
            'convert univ_backbone.pth.')
    meta = dict(checkpoint.get('meta') or {})
    if VIT_ANCHOR in state:
        meta['architecture'] = 'vit'
    elif CONVMAE_ANCHOR in state:
        meta['architecture'] = 'convmae'
    else:
        raise ValueError(f'{path} holds neither a ViT ({VIT_ANCHOR}) nor a '
                         f'ConvMAE ({CONVMAE_ANCHOR})')
    return state, meta


def check_format(fmt: str, architecture: str, path: str | Path) -> None:
    """Raise ``ValueError`` when ``fmt`` cannot hold ``architecture``."""
    if fmt not in FORMATS:
        raise ValueError(f'unknown format {fmt!r}; one of {sorted(FORMATS)}')
    if FORMATS[fmt] != architecture:
        takes = [f for f, arch in FORMATS.items() if arch == architecture]
        raise ValueError(
            f'{path} is a {architecture} backbone; --format {fmt} takes a '
            f'{FORMATS[fmt]} only. Use --format {" or ".join(takes)}.')


def vit_shape(state: dict[str, Tensor], meta: dict) -> ViTShape:
    """Read a merged ViT's shape from its weights and ``meta['arch']``."""
    arch = meta.get('arch') or {}
    if 'num_heads' not in arch:
        raise ValueError('the export\'s meta["arch"] names no num_heads; '
                         'export it again with tools/export_backbone.py')
    projection = state[VIT_ANCHOR]
    class_token = 'cls_token' in state
    positions = state['pos_embed'].shape[1] - int(class_token)
    side = math.isqrt(positions)
    if side * side != positions:
        raise ValueError(f'pos_embed of {positions} patches is not square')
    depth = 1 + max(int(k.split('.')[1]) for k in state
                    if k.startswith('layers.'))
    return ViTShape(
        embed_dims=projection.shape[0], depth=depth,
        num_heads=int(arch['num_heads']),
        mlp_dims=state['layers.0.ffn.layers.0.0.weight'].shape[0],
        patch_size=projection.shape[-1], img_size=side * projection.shape[-1],
        class_token=class_token, final_norm='ln1.weight' in state,
        pre_norm='pre_norm.weight' in state,
        layer_scale='layers.0.attn.gamma1.weight' in state)


def _renamed(state: dict[str, Tensor], renames: tuple) -> dict[str, Tensor]:
    """Every key renamed by the first pattern that fully matches it.

    Raises:
        KeyError: A key matches none (it has no place in the format).
    """
    out = {}
    for key, value in state.items():
        pattern = next((p for p in renames if re.fullmatch(p[0], key)), None)
        if pattern is None:
            raise KeyError(f'{key} has no counterpart in the target format')
        out[re.sub(*pattern, key)] = value.contiguous()
    return out


def timm_model_args(shape: ViTShape) -> tuple[str, dict]:
    """The timm model name and ``create_model`` keyword arguments that
    build ``shape`` (``num_classes=0``: the export has no classifier)."""
    template = TIMM_NAMES.get((shape.embed_dims, shape.depth,
                               shape.num_heads), 'vit_base_patch{p}_{s}')
    kwargs = dict(
        num_classes=0, img_size=shape.img_size, patch_size=shape.patch_size,
        embed_dim=shape.embed_dims, depth=shape.depth,
        num_heads=shape.num_heads,
        mlp_ratio=shape.mlp_dims / shape.embed_dims,
        class_token=shape.class_token,
        global_pool='token' if shape.class_token else '',
        final_norm=shape.final_norm, pre_norm=shape.pre_norm)
    if shape.layer_scale:
        kwargs['init_values'] = 1e-5
    return template.format(p=shape.patch_size, s=224), kwargs


def to_timm(state: dict[str, Tensor]) -> dict[str, Tensor]:
    """A merged ViT's weights under timm's ``VisionTransformer`` names."""
    return _renamed(state, TO_TIMM)


def hf_config(shape: ViTShape):
    """The ``transformers.ViTConfig`` of ``shape``.

    Raises:
        ValueError: ``ViTModel`` cannot compute ``shape`` (no CLS token,
            no final norm, a pre-norm or layer scale).
    """
    from transformers import ViTConfig
    unsupported = dict(no_class_token=not shape.class_token,
                       no_final_norm=not shape.final_norm,
                       pre_norm=shape.pre_norm, layer_scale=shape.layer_scale)
    lacking = [name for name, bad in unsupported.items() if bad]
    if lacking:
        raise ValueError(f'transformers.ViTModel cannot hold a ViT with '
                         f'{lacking}; use --format timm')
    return ViTConfig(
        hidden_size=shape.embed_dims, num_hidden_layers=shape.depth,
        num_attention_heads=shape.num_heads,
        intermediate_size=shape.mlp_dims, image_size=shape.img_size,
        patch_size=shape.patch_size, layer_norm_eps=LAYER_NORM_EPS,
        hidden_act='gelu', qkv_bias=True)


def to_hf(state: dict[str, Tensor]) -> dict[str, Tensor]:
    """A merged ViT's weights under ``ViTModel``'s names, ``qkv`` split
    into ``query``, ``key``, ``value`` (rows in that order)."""
    out = {}
    for key, value in _renamed(state, TO_HF).items():
        if '.qkv.' not in key:
            out[key] = value
            continue
        for name, part in zip(('query', 'key', 'value'), value.chunk(3),
                              strict=True):
            out[key.replace('.qkv.', f'.{name}.')] = part.contiguous()
    return out


def write_hf_folder(state: dict[str, Tensor], shape: ViTShape,
                    folder: Path) -> Path:
    """Save a merged ViT as ``ViTModel(...).save_pretrained(folder)``.

    The model is loaded strictly (no pooler: the export has none), so a
    missing or extra weight raises here rather than in the reader.
    """
    from transformers import ViTModel
    model = ViTModel(hf_config(shape), add_pooling_layer=False)
    model.load_state_dict(to_hf(state), strict=True)
    model.save_pretrained(folder)
    return folder


def to_convmae_release(state: dict[str, Tensor]) -> dict:
    """A merged ConvMAE as the ConvMAE release's ``dict(model=...)``."""
    return dict(model={k: v.contiguous() for k, v in state.items()})
