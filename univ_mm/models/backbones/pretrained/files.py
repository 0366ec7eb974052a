"""Read a checkpoint file, folder or URL without running its code.

Files: ``.pth``/``.bin`` through
:func:`univ_mm.checkpoint.safe_io.load_checkpoint_safely` (weights only),
``.safetensors`` through the ``safetensors`` package (never runs code), a
Hugging Face ``save_pretrained`` folder, or a URL (fetched once into
torch's hub cache, then read as a local file). A folder, or a sharded
checkpoint's index, is read only through files inside its folder (symbolic
links resolved): what an index names never leads elsewhere.
"""
import json
from pathlib import Path

import safetensors
import safetensors.torch

from univ_mm.checkpoint.safe_io import (
    download_checkpoint,
    load_checkpoint_safely,
)

#: What ``save_pretrained`` writes, in order of preference.
HF_WEIGHT_FILES = ('model.safetensors', 'model.safetensors.index.json',
                   'pytorch_model.bin', 'pytorch_model.bin.index.json')
#: What the shards of a sharded checkpoint end in.
SHARD_SUFFIXES = ('.safetensors', '.bin')


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
