"""Atomic local writes and finding the newest complete checkpoint.

Importing ``univ_mm`` registers :class:`AtomicLocalBackend` as MMEngine's
backend for local paths, so every checkpoint the runner writes lands by an
``os.replace`` of a fully written temporary file: a process killed while
saving leaves the previous checkpoint untouched.
"""
import os
import re
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import IO

import torch
from mmengine.fileio import LocalBackend, register_backend

#: Checkpoints MMEngine's CheckpointHook names by progress.
CHECKPOINT_NAME = re.compile(r'^(?:iter|epoch)_(\d+)\.pth$')


def write_atomically(path: str | Path, write: Callable[[IO[bytes]], None]
                     ) -> Path:
    """Call ``write`` on a temporary file beside ``path``, then rename it.

    The file is flushed to disk before it replaces ``path``; on any error
    the temporary file is removed and ``path`` is left as it was.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp_name = tempfile.mkstemp(dir=path.parent,
                                        prefix=f'.{path.name}.')
    try:
        with os.fdopen(handle, 'wb') as file:
            write(file)
            file.flush()
            os.fsync(file.fileno())
        os.replace(tmp_name, path)
    finally:
        if os.path.exists(tmp_name):
            os.remove(tmp_name)
    return path


def save_atomically(obj: object, path: str | Path) -> Path:
    """``torch.save`` ``obj`` to ``path`` atomically."""
    return write_atomically(path, lambda file: torch.save(obj, file))


class AtomicLocalBackend(LocalBackend):
    """MMEngine's local file backend whose writes are atomic."""

    def put(self, obj: bytes, filepath: str | Path) -> None:
        write_atomically(filepath, lambda file: file.write(obj))

    def put_text(self, obj: str, filepath: str | Path,
                 encoding: str = 'utf-8') -> None:
        self.put(obj.encode(encoding), filepath)


def use_atomic_local_writes() -> None:
    """Make MMEngine write local files through :class:`AtomicLocalBackend`."""
    register_backend('local', AtomicLocalBackend, force=True, prefixes='')


def is_complete_checkpoint(path: Path) -> bool:
    """Whether ``path`` is a whole ``torch.save`` archive (cheap check).

    A truncated zip archive has no central directory at its end.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            return bool(archive.namelist())
    except (OSError, zipfile.BadZipFile):
        return False


def latest_checkpoint(work_dir: str | Path) -> Path | None:
    """The newest complete ``iter_N.pth``/``epoch_N.pth`` in ``work_dir``.

    Unlike MMEngine's ``last_checkpoint`` pointer this survives a pointer
    that lags behind (a kill between saving and updating it) or names a
    checkpoint that is missing or damaged.
    """
    numbered = []
    for path in Path(work_dir).glob('*.pth'):
        match = CHECKPOINT_NAME.match(path.name)
        if match:
            numbered.append((int(match.group(1)), path))
    for _, path in sorted(numbered, reverse=True):
        if is_complete_checkpoint(path):
            return path
    return None
