"""Read a ViT checkpoint of any supported format, weights-only, and load it.

Files: ``.pth``/``.bin`` through :func:`univ_mm.utils.load_checkpoint_safely`
(weights only), ``.safetensors`` through the ``safetensors`` package (never
runs code), a Hugging Face ``save_pretrained`` folder, or a URL (fetched
once into torch's hub cache, then read as a local file). A folder, or a
sharded checkpoint's index, is read only through files inside its folder
(symbolic links resolved): what an index names never leads elsewhere.
"""
import json
import math
import re
from pathlib import Path

import safetensors
import safetensors.torch
from mmengine.logging import print_log
from torch import Tensor, nn

from univ_mm.utils.checkpoint import (
    download_checkpoint,
    load_checkpoint_safely,
)
from univ_mm.utils.export import merge_lora_student

from .vit_checkpoint_formats import ConvertedViT, convert_vit, summarise_keys

#: What ``save_pretrained`` writes, in order of preference.
HF_WEIGHT_FILES = ('model.safetensors', 'model.safetensors.index.json',
                   'pytorch_model.bin', 'pytorch_model.bin.index.json')
#: What the shards of a sharded checkpoint end in.
SHARD_SUFFIXES = ('.safetensors', '.bin')
#: Converted keys a model may leave unused: its final norms.
UNUSED_OK = ('ln1.', 'ln2.')
#: Advice for weights that one side has and the other lacks, by a pattern
#: (``re.search``) of their converted names; the first that matches wins.
EXTRA_HINTS = {
    'gamma': 'the checkpoint has layer scale: build the ViT with '
             'layer_scale_init_value=1e-5 (DINOv2)',
    '^pre_norm': 'the checkpoint has a norm before the blocks: build the '
                 'ViT with pre_norm=True',
    'lora_': 'unmerged LoRA weights that are not a univ_mm training '
             'checkpoint\'s "backbone." student: merge them into the base '
             'weights first',
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


def require_backbone_checkpoint(path: str | Path) -> None:
    """Raise ``FileNotFoundError`` saying how to get a backbone checkpoint
    when the local file or folder ``path`` does not exist (URLs pass)."""
    if '://' in str(path) or Path(path).expanduser().exists():
        return
    raise FileNotFoundError(
        f'backbone checkpoint {path} (init_cfg.checkpoint) does not exist. '
        'Make it from a UNIV pre-training run: every save writes '
        'work_dirs/<run>/univ_backbone_iter_N.pth, and `python '
        'tools/export_backbone.py CKPT OUT.pth` exports any training '
        'checkpoint (`make demo` writes toy ViT-T ones to work_dirs/demo/); '
        'link it to that path, or pass another with --cfg-options '
        'model.backbone.init_cfg.checkpoint=PATH.')


def read_checkpoint(path: str | Path) -> dict:
    """Load a checkpoint file, folder or URL without running its code.

    Args:
        path (str | Path): A ``.pth``/``.bin``/``.safetensors`` file, a
            ``save_pretrained`` folder, a sharded ``*.index.json`` or a URL.

    Returns:
        dict: What the file holds (a state dict or a training checkpoint).
    """
    if str(path).startswith(('http://', 'https://')):
        return read_checkpoint(download_checkpoint(str(path)))
    if '://' in str(path):  # pavi://, s3://...: not read weights-only here
        raise ValueError(f'{path}: give a local path or an http(s) URL; '
                         'other schemes are not read weights-only.')
    path = Path(path).expanduser()
    if path.is_dir():
        path = hf_weights_file(path)
    if path.name.endswith('.index.json'):
        return read_sharded(path)
    return read_weights_file(path)


def read_weights_file(path: Path) -> dict:
    """Load one ``.safetensors`` file (never runs code) or ``.pth``/``.bin``
    file (weights only).

    Raises:
        FileNotFoundError: ``path`` does not exist.
        RuntimeError: It is not a readable checkpoint (the message names
            it).
    """
    if path.suffix != '.safetensors':
        # training checkpoints of MAE, DeiT, DINO and UNIP keep their
        # command line as an argparse.Namespace, which the safe loader
        # allows
        return load_checkpoint_safely(path)
    if not path.is_file():
        raise FileNotFoundError(f'checkpoint {path} does not exist')
    try:
        return safetensors.torch.load_file(path)
    except safetensors.SafetensorError as err:
        raise RuntimeError(f'{path} is not a readable safetensors file '
                           f'({err}): damaged or cut short?') from err


def _inside(folder: Path, name: str, source: Path) -> Path:
    """``folder / name``, refused unless it stays inside ``folder``.

    Symbolic links are resolved first; only a Hugging Face cache snapshot
    (``.../snapshots/<revision>/``) may link into its repository's
    ``blobs/``, where the hub keeps the files.

    Raises:
        ValueError: ``name`` (read from ``source``) leads outside.
    """
    path, resolved = folder / name, folder.resolve()
    roots = [resolved]
    if resolved.parent.name == 'snapshots':
        roots.append(resolved.parents[1] / 'blobs')
    if not any(path.resolve().is_relative_to(root) for root in roots):
        raise ValueError(
            f'{source} names {name!r}, which is outside {folder}; only files '
            'inside the checkpoint\'s folder are read.')
    return path


def _weight_map(index: Path) -> dict[str, str]:
    """The ``weight_map`` of a sharded checkpoint's index file.

    Raises:
        ValueError: The file is not such an index (named).
    """
    try:
        weight_map = json.loads(index.read_text())['weight_map']
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise ValueError(f'{index} is not a sharded checkpoint index (JSON '
                         f'with a "weight_map"): {err!r}') from err
    if not isinstance(weight_map, dict) or not all(
            isinstance(shard, str) for shard in weight_map.values()):
        raise ValueError(f'{index}: "weight_map" must map weight names to '
                         'shard file names')
    return weight_map


def read_sharded(index: Path) -> dict:
    """Load every shard that a ``*.index.json`` names, from its folder.

    Raises:
        ValueError: A shard is outside the folder or not a weights file
            (``.safetensors``/``.bin``; an index never names an index).
    """
    weights = {}
    for shard in sorted(set(_weight_map(index).values())):
        if not shard.endswith(SHARD_SUFFIXES):
            raise ValueError(f'{index} names the shard {shard!r}; shards '
                             f'are files ending in {SHARD_SUFFIXES}.')
        weights.update(read_weights_file(_inside(index.parent, shard,
                                                 index)))
    return weights


def hf_weights_file(folder: Path) -> Path:
    """The weights file of a ``save_pretrained`` folder."""
    for name in HF_WEIGHT_FILES:
        if (folder / name).is_file():
            return _inside(folder, name, folder)
    raise FileNotFoundError(
        f'{folder} is a folder without any of {list(HF_WEIGHT_FILES)}; '
        'point init_cfg.checkpoint at the weights file itself.')


def match_cls_token(state: dict[str, Tensor], with_cls_token: bool,
                    where: str) -> dict[str, Tensor]:
    """Drop the checkpoint's CLS token if the ViT has none; refuse the
    reverse.

    Raises:
        ValueError: The ViT has a CLS token the checkpoint cannot fill.
    """
    if 'cls_token' not in state and with_cls_token:
        raise ValueError(
            f'{where} has no CLS token (e.g. a global-pool model): build the '
            "ViT with with_cls_token=False and out_type='featmap' or "
            "'avg_featmap'.")
    if 'cls_token' in state and not with_cls_token:
        state = {k: v for k, v in state.items() if k != 'cls_token'}
        state['pos_embed'] = state['pos_embed'][:, 1:]
    return state


def _hints(keys: set[str], hints: dict[str, str]) -> str:
    found = [text for pattern, text in hints.items()
             if any(re.search(pattern, key) for key in keys)]
    return f' ({found[0]})' if found else ''


def _depth_advice(keys: set[str], advice: str) -> str:
    """``advice`` when blocks are missing or extra (another depth)."""
    return f' {advice}' if any(k.startswith('layers.') for k in keys) else ''


def check_keys(state: dict[str, Tensor], expected: dict[str, Tensor],
               where: str, advice: str = '') -> list[str]:
    """Refuse weights that do not fit the ViT's; return those left unused;
    ``advice`` (the arch to choose) is added when the depths differ.

    Raises:
        ValueError: The checkpoint has weights the ViT lacks.
        KeyError: A weight of the ViT has nothing to load.
    """
    extra = set(state) - set(expected)
    unused = sorted(k for k in extra if k.startswith(UNUSED_OK))
    extra -= set(unused)
    if extra:
        raise ValueError(
            f'{where} has weights this ViT does not have: '
            f'{summarise_keys(sorted(extra))}{_hints(extra, EXTRA_HINTS)}.'
            f'{_depth_advice(extra, advice)}')
    missing = set(expected) - set(state)
    if missing:
        raise KeyError(
            f'{where} fills no value for these weights of the ViT: '
            f'{summarise_keys(sorted(missing))}'
            f'{_hints(missing, MISSING_HINTS)}.'
            f'{_depth_advice(missing, advice)}')
    return unused


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


def check_shapes(state: dict[str, Tensor], expected: dict[str, Tensor],
                 where: str, advice: str = '') -> None:
    """Shapes must agree, but for a square position embedding's grid.

    Raises:
        ValueError: Names the first weights that differ, the widths and
            ``advice``.
    """
    wrong = [f'{key}: checkpoint {tuple(state[key].shape)}, ViT '
             f'{tuple(value.shape)}' for key, value in expected.items()
             if key != 'pos_embed' and state[key].shape != value.shape]
    pos_embed, target = state.get('pos_embed'), expected.get('pos_embed')
    if pos_embed is not None and pos_embed.shape != target.shape:
        grid = pos_embed.shape[1] - int('cls_token' in expected)
        if pos_embed.shape[2] != target.shape[2] or \
                math.isqrt(grid)**2 != grid:
            wrong.append(f'pos_embed: checkpoint {tuple(pos_embed.shape)} '
                         '(resizing needs a square grid of the same width), '
                         f'ViT {tuple(target.shape)}')
    if wrong:
        width = state['patch_embed.projection.weight'].shape
        raise ValueError(
            f'{where} does not fit this ViT: its patch embedding is '
            f'{tuple(width)} (width, channels, patch), the ViT\'s '
            f'{tuple(expected["patch_embed.projection.weight"].shape)}. '
            f'Differing weights: {wrong[:4]}. {advice}')


def fit_to_model(vit: ConvertedViT, model: nn.Module,
                 source: str) -> tuple[dict[str, Tensor], list[str]]:
    """The converted weights as ``model`` needs them, and the unused keys."""
    where = f'{source} ({vit.description})'
    expected = model.state_dict()
    state = match_cls_token(vit.state_dict, 'cls_token' in expected, where)
    advice = arch_advice(state, getattr(model, 'arch_zoo', {}))
    unused = check_keys(state, expected, where, advice)
    state = {k: v for k, v in state.items() if k not in unused}
    check_shapes(state, expected, where, advice)
    return state, unused


def load_pretrained_vit(model: nn.Module, checkpoint: str | Path,
                        prefix: str | None = None) -> None:
    """Load a ViT checkpoint of any supported format into ``model``.

    Every weight of ``model`` must be filled; the position embedding is
    resized to the model's grid by MMPretrain's load hook. A UNIV training
    checkpoint's LoRA student is merged first, as the export does. The log
    names the recognised format and every key that was left out.

    Args:
        model (nn.Module): An MMPretrain ``VisionTransformer`` with plain
            names (LoRA hidden).
        checkpoint (str | Path): File, folder or URL.
        prefix (str, optional): Which ViT to take when the checkpoint holds
            several. Defaults to None (the only one).
    """
    source = str(checkpoint)
    require_backbone_checkpoint(checkpoint)
    vit = convert_vit(merge_lora_student(read_checkpoint(checkpoint), source,
                                         prefix, model), source, prefix)
    state, unused = fit_to_model(vit, model, source)
    model.load_state_dict(state, strict=True)
    left_out = summarise_keys(vit.dropped + unused)
    print_log(f'Loaded {source} ({vit.description}); left out '
              f'{len(vit.dropped) + len(unused)} keys: {left_out}',
              logger='current')
