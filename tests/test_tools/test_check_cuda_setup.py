"""tools/misc/check_cuda_setup.py: how `make setup` builds mmcv's ops.

Each case runs the script as the Makefile does, with a PATH holding only a
fake ``nvidia-smi`` (and ``nvcc``) written to a temporary folder.
"""
import os
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / 'tools/misc/check_cuda_setup.py'


def fake(folder: Path, name: str, body: str) -> None:
    path = folder / name
    path.write_text(f'#!/bin/sh\n{body}\n')
    path.chmod(0o755)


def run(tmp_path: Path, driver: str | None = None, nvcc: str | None = None,
        **env: str) -> subprocess.CompletedProcess:
    """The script with ``driver`` reported by a fake nvidia-smi (None: no
    nvidia-smi), ``nvcc`` the release of a fake nvcc (None: none)."""
    bin_dir = tmp_path / 'bin'
    bin_dir.mkdir(exist_ok=True)
    if driver is not None:
        fake(bin_dir, 'nvidia-smi', 'case "$1" in\n'
             f'  --query-gpu=driver_version) echo {driver};;\n'
             '  --query-gpu=compute_cap) echo 9.0;;\n'
             '  *) exit 1;;\nesac')
    if nvcc is not None:
        fake(bin_dir, 'nvcc', f'echo "Cuda compilation tools, release '
             f'{nvcc}, V{nvcc}.48"')
    environ = {k: v for k, v in os.environ.items()
               if k not in ('CUDA_HOME', 'CUDA_PATH', 'UNIV_MMCV_CUDA')}
    environ.update(PATH=str(bin_dir), HOME=str(tmp_path), **env)
    return subprocess.run(
        [sys.executable, str(SCRIPT), '--torch-cuda', '13.0'],
        capture_output=True, text=True, env=environ)


def test_no_driver_gives_the_cpu_build(tmp_path):
    result = run(tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ['MMCV_WITH_OPS=1', 'FORCE_CUDA=0']
    assert 'CPU only' in result.stderr


def test_an_old_driver_is_a_clear_error(tmp_path):
    result = run(tmp_path, driver='535.104.05', nvcc='13.0')
    assert result.returncode == 2
    assert result.stdout == ''
    assert 'driver 535.104.05 is too old' in result.stderr
    assert 'CUDA 13.0, which needs driver >= 580.65.06' in result.stderr


@pytest.mark.slow
def test_a_new_enough_driver_gives_the_cuda_build(tmp_path):
    """Also: the installed mmcv of this CPU machine has no CUDA ops, so it
    is rebuilt (pip would keep it), and the wheel cache is a separate one."""
    result = run(tmp_path, driver='580.82.07', nvcc='13.0')
    assert result.returncode == 0, result.stderr
    flags = dict(word.split('=', 1) for word in result.stdout.split())
    assert flags['FORCE_CUDA'] == '1' and flags['MMCV_WITH_OPS'] == '1'
    assert flags['TORCH_CUDA_ARCH_LIST'] == '9.0'
    assert flags['PIP_CACHE_DIR'] == str(
        tmp_path / '.cache/pip-mmcv-cu13.0-sm9.0')
    assert flags['PIP_FORCE_REINSTALL'] == flags['PIP_NO_DEPS'] == '1'
    assert 'driver 580.82.07 (torch CUDA 13.0 needs >= 580.65.06)' in (
        result.stderr)


def test_a_driver_without_nvcc_or_a_failing_smi_says_what_to_do(tmp_path):
    result = run(tmp_path, driver='580.82.07')
    assert result.returncode == 2 and 'no nvcc' in result.stderr
    result = run(tmp_path, driver='580.82.07', nvcc='12.6')
    assert result.returncode == 2 and 'nvcc is CUDA 12.6' in result.stderr
    fake(tmp_path / 'bin', 'nvidia-smi',
         'echo "NVIDIA-SMI has failed: no driver loaded" >&2; exit 9')
    result = run(tmp_path, nvcc='13.0')
    assert result.returncode == 2 and 'UNIV_MMCV_CUDA=0' in result.stderr
    forced = run(tmp_path, nvcc='13.0', UNIV_MMCV_CUDA='0')
    assert forced.returncode == 0
    assert forced.stdout.split() == ['MMCV_WITH_OPS=1', 'FORCE_CUDA=0']
