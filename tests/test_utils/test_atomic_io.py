"""Atomic writes through MMEngine, and the newest complete checkpoint."""
import errno
import os
import stat
import subprocess

import pytest
import torch
from mmengine.fileio import get_file_backend

from univ_mm.checkpoint.atomic_io import (
    ATOMIC_BACKEND,
    AtomicLocalBackend,
    latest_checkpoint,
)
from univ_mm.checkpoint.safe_io import save_atomically


def test_the_atomic_backend_is_mmengines_by_its_own_name(tmp_path):
    # every other local write of the process keeps MMEngine's backend
    assert not isinstance(get_file_backend(str(tmp_path / 'x.pth')),
                          AtomicLocalBackend)
    backend = get_file_backend(str(tmp_path / 'x.pth'),
                               backend_args=dict(backend=ATOMIC_BACKEND))
    assert isinstance(backend, AtomicLocalBackend)
    backend.put(b'payload', tmp_path / 'x.pth')
    backend.put_text('text', tmp_path / 'y.txt')
    assert (tmp_path / 'x.pth').read_bytes() == b'payload'
    assert sorted(p.name for p in tmp_path.iterdir()) == ['x.pth', 'y.txt']


def test_latest_checkpoint_skips_damaged_and_ignores_the_pointer(tmp_path):
    for iteration in (2, 4, 6):
        save_atomically(dict(iteration=iteration),
                        tmp_path / f'iter_{iteration}.pth')
    damaged = tmp_path / 'iter_8.pth'
    damaged.write_bytes((tmp_path / 'iter_6.pth').read_bytes()[:100])
    (tmp_path / 'last_checkpoint').write_text(str(tmp_path / 'iter_4.pth'))
    (tmp_path / 'univ_backbone_iter_10.pth').write_bytes(b'')
    assert latest_checkpoint(tmp_path) == tmp_path / 'iter_6.pth'
    assert torch.load(latest_checkpoint(tmp_path))['iteration'] == 6


def test_latest_checkpoint_of_an_empty_dir_is_none(tmp_path):
    assert latest_checkpoint(tmp_path) is None


@pytest.mark.parametrize('umask', [0o022, 0o077])
def test_saved_files_honour_the_umask(tmp_path, umask):
    previous = os.umask(umask)
    try:
        save_atomically(dict(a=1), tmp_path / 'ckpt.pth')
        get_file_backend(str(tmp_path)).put(b'x', tmp_path / 'x.bin')
    finally:
        os.umask(previous)
    for name in ('ckpt.pth', 'x.bin'):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == \
            0o666 & ~umask, name


def test_next_save_removes_temporaries_of_killed_writers(tmp_path):
    dead = subprocess.Popen(['true'])
    dead.wait()
    stale = tmp_path / f'.iter_4.pth.{dead.pid}-0123abcd.tmp'
    in_progress = tmp_path / f'.iter_6.pth.{os.getpid()}-0123abcd.tmp'
    other = tmp_path / '.keep.tmp'
    for path in (stale, in_progress, other):
        path.write_bytes(b'partial')
    save_atomically(dict(a=1), tmp_path / 'iter_8.pth')
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [in_progress.name, other.name, 'iter_8.pth'])


def test_a_full_disk_names_the_file_and_keeps_the_previous_one(
        tmp_path, monkeypatch):
    backend = get_file_backend(str(tmp_path / 'iter_4.pth'),
                               backend_args=dict(backend=ATOMIC_BACKEND))
    backend.put(b'previous', tmp_path / 'iter_4.pth')

    def disk_full(fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, 'fsync', disk_full)
    with pytest.raises(OSError, match='MiB are free') as error:
        backend.put(b'x' * 2 ** 20, tmp_path / 'iter_4.pth')
    assert error.value.errno == errno.ENOSPC
    assert f'no space left to write {tmp_path / "iter_4.pth"}' in str(
        error.value)
    assert '1.0 MiB were written' in str(error.value)
    assert [p.name for p in tmp_path.iterdir()] == ['iter_4.pth']
    assert (tmp_path / 'iter_4.pth').read_bytes() == b'previous'
