"""Atomic local writes and finding the newest complete checkpoint.

:class:`AtomicLocalBackend` is an MMEngine file backend of its own name,
:data:`ATOMIC_BACKEND`; the checkpoint hook writes with it
(:class:`~univ_mm.engine.hooks.SafeCheckpointHook`), so every checkpoint
the runner saves lands by an ``os.replace`` of a fully written temporary
file: a process killed while saving leaves the previous checkpoint
untouched. MMEngine's own local backend, and every other write of the
process, is left as it is.
"""
import errno
import os
import re
import secrets
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import IO

from mmengine.fileio import LocalBackend, register_backend

#: Checkpoints MMEngine's CheckpointHook names by progress.
CHECKPOINT_NAME = re.compile(r'^(?:iter|epoch)_(\d+)\.pth$')


#: The errors of a write that found no room: a full disk, a full quota.
NO_SPACE_ERRORS = (errno.ENOSPC, errno.EDQUOT)

#: Names of the temporary files of :func:`write_atomically`:
#: ``.<name>.<pid>-<8 hex digits>.tmp``.
TEMPORARY_NAME = re.compile(r'^\..+\.(\d+)-[0-9a-f]{8}\.tmp$')


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, owned by someone else
        return True
    return True


def remove_stale_temporaries(folder: str | Path) -> list[Path]:
    """Delete temporaries of :func:`write_atomically` whose writer is dead.

    A process killed while saving leaves its temporary file behind; the next
    save into the same folder removes it. Files of live processes (a save in
    progress) and every other file are left alone.

    Args:
        folder (str | Path): The folder to clean.

    Returns:
        list[Path]: The files removed.
    """
    removed = []
    for path in Path(folder).iterdir():
        match = TEMPORARY_NAME.match(path.name)
        if match and not _process_alive(int(match.group(1))):
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed


def _create_temporary(path: Path) -> tuple[int, Path]:
    """Open a new temporary file beside ``path`` with the mode a plain
    ``open`` would give it (0666 minus the process umask)."""
    while True:
        name = f'.{path.name}.{os.getpid()}-{secrets.token_hex(4)}.tmp'
        tmp = path.with_name(name)
        try:
            return os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL,
                           0o666), tmp
        except FileExistsError:
            continue


def write_atomically(path: str | Path, write: Callable[[IO[bytes]], None]
                     ) -> Path:
    """Call ``write`` on a temporary file beside ``path``, then rename it.

    The file is flushed to disk before it replaces ``path``; on any error
    the temporary file is removed and ``path`` is left as it was, and a
    full disk is reported with the file and the free space. The file
    gets the permissions of a plain ``open`` (the umask applies), and the
    temporaries that killed writers left in the folder are removed first.

    Args:
        path (str | Path): The file to write.
        write (Callable): Writes the content to the binary file it is given.

    Returns:
        Path: ``path``.

    Raises:
        OSError: Also when the disk (or quota) is full: ``errno`` ENOSPC or
            EDQUOT, the message naming ``path`` and the space left.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(path.parent)
    handle, tmp = _create_temporary(path)
    try:
        with os.fdopen(handle, 'wb') as file:
            write(file)
            file.flush()
            os.fsync(file.fileno())
        os.replace(tmp, path)
    except OSError as err:
        if err.errno in NO_SPACE_ERRORS:
            raise _no_space(path, tmp, err) from err
        raise
    finally:
        tmp.unlink(missing_ok=True)
    return path


def _no_space(path: Path, tmp: Path, err: OSError) -> OSError:
    """The error for a write of ``path`` that ran out of space."""
    mib = 2 ** 20
    written = tmp.stat().st_size
    free = shutil.disk_usage(path.parent).free
    return OSError(
        err.errno,
        f'no space left to write {path} ({err.strerror}): {written / mib:.1f}'
        f' MiB were written when the write failed, {free / mib:.1f} MiB are '
        f'free on {path.parent}. {path} is left as it was. Free some space '
        '(e.g. delete old checkpoints or lower max_keep_ckpts) or write to '
        'another --work-dir, then resume.', str(path))


class AtomicLocalBackend(LocalBackend):
    """MMEngine's local file backend whose writes are atomic."""

    def put(self, obj: bytes, filepath: str | Path) -> None:
        write_atomically(filepath, lambda file: file.write(obj))

    def put_text(self, obj: str, filepath: str | Path,
                 encoding: str = 'utf-8') -> None:
        self.put(obj.encode(encoding), filepath)


#: :class:`AtomicLocalBackend`'s name among MMEngine's file backends
#: (``backend_args=dict(backend=ATOMIC_BACKEND)``).
ATOMIC_BACKEND = 'atomic_local'
register_backend(ATOMIC_BACKEND, AtomicLocalBackend, force=True)


def is_complete_checkpoint(path: Path) -> bool:
    """Whether ``path`` is a whole ``torch.save`` archive (cheap check).

    A truncated zip archive has no central directory at its end.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            return bool(archive.namelist())
    except (OSError, zipfile.BadZipFile):
        return False


def numbered_checkpoints(work_dir: str | Path) -> dict[int, Path]:
    """The ``iter_N.pth``/``epoch_N.pth`` files of ``work_dir`` by ``N``,
    in increasing order (complete or not)."""
    numbered = {}
    for path in Path(work_dir).glob('*.pth'):
        match = CHECKPOINT_NAME.match(path.name)
        if match:
            numbered[int(match.group(1))] = path
    return dict(sorted(numbered.items()))


def latest_checkpoint(work_dir: str | Path) -> Path | None:
    """The newest complete ``iter_N.pth``/``epoch_N.pth`` in ``work_dir``.

    Unlike MMEngine's ``last_checkpoint`` pointer this survives a pointer
    that names a checkpoint that is missing or damaged.
    """
    for path in reversed(numbered_checkpoints(work_dir).values()):
        if is_complete_checkpoint(path):
            return path
    return None
