"""Safe checkpoint loading and atomic, merged-backbone saving.

Since torch 2.6 ``torch.load`` unpickles weights only. MMEngine's training
checkpoints also carry the runner's log history (``HistoryBuffer`` holding
numpy arrays), so resuming them fails. :func:`allow_runner_checkpoints`
adds exactly those types to torch's allowlist; nothing else is trusted.
"""
import argparse
import copyreg
from pathlib import Path

import numpy as np
import torch
from mmengine.logging import HistoryBuffer
from mmengine.runner import CheckpointLoader
from torch import Tensor

from univ_mm.utils.atomic_io import save_atomically


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


def _reduce_history_buffer(buffer: HistoryBuffer) -> tuple:
    """Pickle a buffer as its constructor call on its arrays.

    By default its pickle also names ``getattr`` (for the statistics
    methods), a global that weights-only loading must never allow.
    """
    log_history, count_history = buffer.data
    return HistoryBuffer, (log_history, count_history, buffer.max_length)


def allow_runner_checkpoints() -> None:
    """Let ``torch.load(weights_only=True)`` read MMEngine checkpoints.

    Registers how ``HistoryBuffer`` pickles (constructor and arrays only) and
    allowlists exactly the types the runner writes.
    """
    copyreg.pickle(HistoryBuffer, _reduce_history_buffer)
    torch.serialization.add_safe_globals(RUNNER_CHECKPOINT_TYPES)


def load_checkpoint_safely(path: str | Path, map_location='cpu') -> dict:
    """Load a checkpoint without executing anything it carries.

    Args:
        path (str | Path): A local checkpoint file.
        map_location: As in ``torch.load``. Defaults to 'cpu'.

    Raises:
        FileNotFoundError: ``path`` does not exist.
        RuntimeError: The file holds objects outside the allowlist.
    """
    path = Path(path).expanduser()
    if not path.is_file():
        raise FileNotFoundError(f'checkpoint {path} does not exist')
    try:
        return torch.load(path, map_location=map_location, weights_only=True)
    except Exception as err:  # torch raises UnpicklingError or RuntimeError
        raise RuntimeError(
            f'refusing to load {path}: it holds objects that are not plain '
            f'weights or MMEngine run state ({err}). Re-save it as a plain '
            'state_dict from a trusted environment.') from err


def use_safe_local_loading() -> None:
    """Route MMEngine's local checkpoint loading (``load_from``, resume,
    ``Pretrained`` init) through :func:`load_checkpoint_safely`."""
    CheckpointLoader.register_scheme(
        prefixes='', loader=load_checkpoint_safely, force=True)


def save_merged_backbone(state_dict: dict[str, Tensor], path: str | Path,
                         meta: dict | None = None) -> Path:
    """Write a plain backbone checkpoint: ``dict(state_dict=..., meta=...)``.

    Its keys are mmpretrain ``VisionTransformer`` names without prefix, so
    ``mmengine.runner.load_checkpoint(vit, path)`` and downstream
    ``init_cfg=dict(type='Pretrained', checkpoint=path)`` read it directly.
    """
    cpu_state = {k: v.detach().cpu() for k, v in state_dict.items()}
    return save_atomically(dict(state_dict=cpu_state, meta=meta or {}), path)
