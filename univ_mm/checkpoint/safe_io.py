"""Safe checkpoint loading and atomic, merged-backbone saving.

Since torch 2.6 ``torch.load`` unpickles weights only. MMEngine's training
checkpoints also carry the runner's log history (``HistoryBuffer`` holding
numpy arrays), so resuming them fails. :func:`load_checkpoint_safely`,
the reader behind every checkpoint the package loads, allows exactly those
types (and ``argparse.Namespace``) for its own call; nothing else is
trusted, and it needs no process-wide switch: torch's own allowlist is
never changed.

No config text a checkpoint carries is ever executed: MMEngine's resume
passes ``meta['config']`` (an mmcv 1.x field) to ``Config.fromstring``, which
runs it as Python, so every loader drops that field (see
:func:`drop_config_text`), and :mod:`univ_mm.utils.export` reads
``meta['cfg']`` as literals only.

URLs are fetched into torch's hub cache and read by the same weights-only
loader: MMEngine's ``load_from_http`` (also behind ``torchvision://``,
``open-mmlab://`` and ``mmcls://``) would unpickle them without restriction.
"""
import argparse
import copyreg
import functools
import logging
import pickle
from collections.abc import Callable
from pathlib import Path
from urllib.error import URLError
from urllib.parse import urlparse

import mmengine.runner.checkpoint as mmengine_checkpoint
import numpy as np
import torch
from mmengine.dist import get_dist_info
from mmengine.logging import HistoryBuffer, print_log
from mmengine.runner import CheckpointLoader
from torch import Tensor

from univ_mm.checkpoint.atomic_io import (
    write_atomically,
)


def _numpy_types() -> list:
    """The numpy callables and classes that pickled arrays refer to."""
    dtypes = [type(np.dtype(name)) for name in (
        'bool', 'int8', 'int16', 'int32', 'int64', 'uint8', 'float16',
        'float32', 'float64')]
    multiarray = np._core.multiarray
    return [multiarray._reconstruct, multiarray.scalar, np.ndarray, np.dtype,
            *dtypes]


#: What MMEngine's runner writes beyond tensors and builtins, and the
#: ``args`` namespace of the UNIV release's checkpoints (plain attributes).
RUNNER_CHECKPOINT_TYPES = [HistoryBuffer, *_numpy_types(),
                           argparse.Namespace]
#: An empty numpy array (in an empty ``HistoryBuffer``) pickles ``bytes()``.
EMPTY_ARRAY_TYPES = [bytes]
#: Every type beyond torch's own that :func:`load_checkpoint_safely` reads.
CHECKPOINT_TYPES = [*RUNNER_CHECKPOINT_TYPES, *EMPTY_ARRAY_TYPES]


def _reduce_history_buffer(buffer: HistoryBuffer) -> tuple:
    """Pickle a buffer as its constructor call on its arrays.

    By default its pickle also names ``getattr`` (for the statistics
    methods), a global that weights-only loading must never allow.
    """
    log_history, count_history = buffer.data
    return HistoryBuffer, (log_history, count_history, buffer.max_length)


def _pickle_history_buffers() -> None:
    """Make ``HistoryBuffer`` pickle as its constructor call on its arrays,
    which weights-only loading with :data:`CHECKPOINT_TYPES` reads."""
    copyreg.pickle(HistoryBuffer, _reduce_history_buffer)


def drop_config_text(checkpoint: object) -> object:
    """Remove ``meta['config']`` from a loaded checkpoint, in place.

    MMEngine's ``Runner.resume`` executes that text (``Config.fromstring``)
    to compare GPU counts; MMEngine itself never writes it (it writes
    ``meta['cfg']``, which it never reads back), so nothing is lost.

    Returns:
        object: ``checkpoint``.
    """
    meta = checkpoint.get('meta') if isinstance(checkpoint, dict) else None
    if isinstance(meta, dict) and meta.pop('config', None) is not None:
        print_log('ignored the config text in the checkpoint\'s '
                  'meta["config"]: config text from a checkpoint is never '
                  'executed', logger='current', level=logging.WARNING)
    return checkpoint


def _type_name(cls: type) -> str:
    return f'{cls.__module__}.{cls.__qualname__}'


def _refused_types(path: Path, err: Exception) -> str:
    """The globals of ``path`` outside :data:`CHECKPOINT_TYPES`, named."""
    try:
        with torch.serialization.safe_globals(CHECKPOINT_TYPES):
            names = torch.serialization.get_unsafe_globals_in_checkpoint(path)
    except Exception:  # not a zip checkpoint: torch's message names it
        names = []
    return ', '.join(names) if names else f'an object torch refused ({err})'


def load_checkpoint_safely(path: str | Path, map_location='cpu') -> dict:
    """Load a checkpoint without executing anything it carries.

    Only tensors, builtins and exactly the types of
    :data:`CHECKPOINT_TYPES` (MMEngine's run state, ``argparse.Namespace``)
    are unpickled, allowed for this call only (no process-wide switch is
    needed), and the config text of ``meta['config']`` is dropped
    (:func:`drop_config_text`).

    Args:
        path (str | Path): A local checkpoint file.
        map_location: As in ``torch.load``. Defaults to 'cpu'.

    Returns:
        dict: The checkpoint.

    Raises:
        FileNotFoundError: ``path`` does not exist.
        RuntimeError: The file is damaged (truncated, empty, not a
            checkpoint) or holds a type outside the allowlist (named).
    """
    path = Path(path).expanduser()
    if not path.is_file():
        raise FileNotFoundError(f'checkpoint {path} does not exist')
    try:
        with torch.serialization.safe_globals(CHECKPOINT_TYPES):
            checkpoint = torch.load(path, map_location=map_location,
                                    weights_only=True)
    except pickle.UnpicklingError as err:  # outside the allowlist
        raise RuntimeError(
            f'refusing to load {path}: it holds {_refused_types(path, err)}, '
            'a type that is not allowed. Checkpoints are read with exactly '
            'these types beyond tensors and builtins: '
            f'{", ".join(map(_type_name, CHECKPOINT_TYPES))}.') from err
    except Exception as err:  # RuntimeError, EOFError...: cut or foreign
        raise RuntimeError(
            f'checkpoint {path} is damaged ({err}): truncated, empty or not '
            'a torch.save file. Use an earlier checkpoint of the run or save '
            'it again.') from err
    return drop_config_text(checkpoint)


def load_from_local(filename: str, map_location='cpu') -> dict:
    """MMEngine's local checkpoint loader, weights only: MMEngine names the
    loader in its log line from this function's name (``local``)."""
    return load_checkpoint_safely(filename, map_location)


def download_checkpoint(url: str) -> Path:
    """Fetch ``url`` once into torch's hub cache, where MMEngine puts it.

    Args:
        url (str): An http(s) URL of a checkpoint file.

    Returns:
        Path: The cached file (``<hub dir>/checkpoints/<file name>``).

    Raises:
        ConnectionError: The download failed (offline, say); the message
            says how to use a copy fetched elsewhere.
    """
    path = Path(torch.hub.get_dir(), 'checkpoints',
                Path(urlparse(url).path).name)
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            torch.hub.download_url_to_file(url, str(path))
        except URLError as err:
            raise ConnectionError(
                f'cannot download {url} ({err.reason}). Without internet '
                'access, download it on a connected machine (e.g. `wget '
                f'{url}`), copy it here and pass its local path instead '
                '(e.g. --cfg-options model.backbone.init_cfg.checkpoint='
                f'PATH), or put it at {path}, which is read first.') from err
    return path


def load_from_http(filename: str, map_location=None) -> dict:
    """MMEngine's http(s) checkpoint loader, weights only.

    Rank 0 downloads first (:func:`download_checkpoint`), then every rank
    reads the cached file with :func:`load_checkpoint_safely`.

    Raises:
        RuntimeError: The file is damaged or holds more than weights; the
            message names the URL and the cached file.
    """
    rank, world_size = get_dist_info()
    if rank == 0:
        download_checkpoint(filename)
    if world_size > 1:
        torch.distributed.barrier()
    try:
        return load_checkpoint_safely(download_checkpoint(filename),
                                      map_location)
    except RuntimeError as err:
        raise RuntimeError(f'{filename}: {err}') from err


def _without_config_text(loader: Callable) -> Callable:
    """Wrap an MMEngine checkpoint loader with :func:`drop_config_text`,
    reading with exactly :data:`CHECKPOINT_TYPES` allowed."""

    @functools.wraps(loader)
    def load(filename: str, map_location=None) -> object:
        with torch.serialization.safe_globals(CHECKPOINT_TYPES):
            return drop_config_text(loader(filename, map_location))

    return load


def _use_safe_loading() -> None:
    """Make every checkpoint MMEngine loads (``load_from``, resume,
    ``Pretrained`` init) weights-only and free of config text.

    Local files go through :func:`load_checkpoint_safely`; http(s) URLs
    through :func:`load_from_http`, which also replaces the one MMEngine's
    ``torchvision://``, ``open-mmlab://`` and ``mmcls://`` loaders call. The
    remaining schemes (``pavi://``, ``s3://``...) keep MMEngine's loaders,
    which read weights only with exactly :data:`CHECKPOINT_TYPES` allowed,
    and lose ``meta['config']``.
    """
    for prefix, loader in list(CheckpointLoader._schemes.items()):
        if prefix not in ('', 'http://', 'https://'):
            CheckpointLoader.register_scheme(
                prefix, _without_config_text(loader), force=True)
    mmengine_checkpoint.load_from_http = load_from_http
    CheckpointLoader.register_scheme(
        prefixes=('http://', 'https://'), loader=load_from_http, force=True)
    CheckpointLoader.register_scheme(
        prefixes='', loader=load_from_local, force=True)


def use_safe_checkpoints() -> None:
    """Make MMEngine's checkpoints resumable, weights-only and atomic.

    Changes MMEngine's global state once for the whole process (calling it
    again changes nothing). ``import univ_mm`` does not call it: our tools
    do, and so does the ``univ_mm.engine.safe_checkpoints`` entry of the
    configs' ``custom_imports``, so a plain ``Runner.from_cfg(cfg)`` gets it
    too. It

    - makes ``HistoryBuffer`` pickle as its constructor call; torch's
      process-wide allowlist is left as it is: every reader of the package
      allows exactly :data:`CHECKPOINT_TYPES` for its own call;
    - routes every checkpoint MMEngine loads (``load_from``, resume,
      ``Pretrained`` init; local files and http(s) URLs) through
      :func:`load_checkpoint_safely`, which unpickles weights only and
      never runs the config text a checkpoint carries;
    - leaves writing alone: the checkpoint hook writes atomically with a
      backend of its own
      (:class:`~univ_mm.engine.hooks.SafeCheckpointHook`).
    """
    _pickle_history_buffers()
    _use_safe_loading()


def save_atomically(obj: object, path: str | Path) -> Path:
    """``torch.save`` ``obj`` to ``path`` atomically
    (:func:`~univ_mm.checkpoint.atomic_io.write_atomically`)."""
    return write_atomically(path, lambda file: torch.save(obj, file))


def save_merged_backbone(state_dict: dict[str, Tensor], path: str | Path,
                         meta: dict | None = None) -> Path:
    """Write a plain backbone checkpoint: ``dict(state_dict=..., meta=...)``.

    Its keys are mmpretrain ``VisionTransformer`` names without prefix, so
    ``mmengine.runner.load_checkpoint(vit, path)`` and downstream
    ``init_cfg=dict(type='Pretrained', checkpoint=path)`` read it directly.
    """
    cpu_state = {k: v.detach().cpu() for k, v in state_dict.items()}
    return save_atomically(dict(state_dict=cpu_state, meta=meta or {}), path)
