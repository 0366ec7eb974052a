"""Decide how `make setup` builds mmcv's ops: for the CPU, or with CUDA.

Prints the environment of mmcv's build as ``NAME=value`` words for ``env``
on stdout, and one line saying why on stderr. Called from the Makefile's
set-up rule after torch is installed::

    flags=$(python tools/misc/check_cuda_setup.py) && env $flags pip ...

- No NVIDIA driver (``nvidia-smi`` not on PATH): the CPU build
  (``MMCV_WITH_OPS=1 FORCE_CUDA=0``), served from pip's usual wheel cache.
- A driver: it must be at least what torch's CUDA build needs
  (:data:`MIN_DRIVER`), and ``nvcc`` of the same CUDA major version must be
  found (``CUDA_HOME`` or PATH); then the CUDA build (``FORCE_CUDA=1``,
  ``TORCH_CUDA_ARCH_LIST`` of the GPUs) with a pip cache of its own, named
  by CUDA version and GPU architectures, so that a CPU-only wheel cached
  on another machine is never installed here.
- ``UNIV_MMCV_CUDA=0`` forces the CPU build, ``UNIV_MMCV_CUDA=1`` the CUDA
  one (the driver is still checked).
- An installed mmcv without CUDA ops is rebuilt on a machine with a
  driver (pip would keep it as "already satisfied").

Exit status 2 with a message naming what to do when the driver is too old,
``nvidia-smi`` fails, or ``nvcc`` is missing or of another CUDA major.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

#: Minimum Linux x86_64 driver of each CUDA toolkit, from NVIDIA's CUDA
#: Toolkit release notes ("CUDA Toolkit and Corresponding Driver
#: Versions"); the pinned torch 2.13.0 is built with CUDA 13.0.
MIN_DRIVER = {
    '11.8': '520.61.05',
    '12.1': '530.30.02',
    '12.4': '550.54.14',
    '12.6': '560.28.03',
    '13.0': '580.65.06',
}
CPU_BUILD = ['MMCV_WITH_OPS=1', 'FORCE_CUDA=0']


class SetupError(RuntimeError):
    """A machine that cannot get the build it needs; the message says
    what to do."""


def version_tuple(version: str) -> tuple[int, ...]:
    """``'580.65.06'`` -> ``(580, 65, 6)``."""
    return tuple(int(part) for part in re.findall(r'\d+', version))


def torch_cuda_version() -> str | None:
    """``torch.version.cuda`` of the installed torch (None: a CPU build)."""
    import torch
    return torch.version.cuda


def nvidia_smi(field: str) -> list[str] | None:
    """One ``--query-gpu`` field of every GPU from ``nvidia-smi``; None
    when it is not on PATH.

    Raises:
        SetupError: ``nvidia-smi`` is there but fails (no loaded driver).
    """
    if shutil.which('nvidia-smi') is None:
        return None
    command = ['nvidia-smi', f'--query-gpu={field}', '--format=csv,noheader']
    result = subprocess.run(command, capture_output=True, text=True)
    values = [row.strip() for row in result.stdout.strip().splitlines()]
    if result.returncode != 0 or not values:
        raise SetupError(
            f'`{" ".join(command)}` failed ({result.returncode}): '
            f'{(result.stderr or result.stdout).strip()[:300]}. Fix the '
            'NVIDIA driver, or set UNIV_MMCV_CUDA=0 to build mmcv for the '
            'CPU only.')
    return values


def required_driver(cuda: str) -> str:
    """The minimum driver of ``cuda`` (``'13.0'``): its entry of
    :data:`MIN_DRIVER`, or that of the newest listed minor version of the
    same major below it (CUDA's minor version compatibility)."""
    major, minor = version_tuple(cuda)[:2]
    known = [v for v in MIN_DRIVER if version_tuple(v)[0] == major
             and version_tuple(v)[1] <= minor]
    if not known:
        raise SetupError(
            f'torch is built with CUDA {cuda}, whose minimum driver '
            f'{Path(__file__).name} does not know: add it to MIN_DRIVER '
            "from NVIDIA's CUDA Toolkit release notes.")
    return MIN_DRIVER[max(known, key=version_tuple)]


def nvcc_version() -> str:
    """The CUDA release of ``nvcc`` (``CUDA_HOME/bin`` first, then PATH).

    Raises:
        SetupError: No ``nvcc`` found.
    """
    home = os.environ.get('CUDA_HOME') or os.environ.get('CUDA_PATH')
    candidates = [str(Path(home) / 'bin' / 'nvcc')] if home else []
    candidates.append(shutil.which('nvcc') or '')
    for nvcc in filter(os.path.isfile, candidates):
        output = subprocess.run([nvcc, '--version'], capture_output=True,
                                text=True).stdout
        match = re.search(r'release (\d+\.\d+)', output)
        if match:
            return match.group(1)
    raise SetupError(
        'an NVIDIA driver is present but no nvcc (CUDA_HOME/bin or PATH): '
        "mmcv's CUDA ops need the CUDA toolkit of torch's CUDA version. "
        'Install it and set CUDA_HOME, or set UNIV_MMCV_CUDA=0 to build '
        'for the CPU only.')


def installed_without_cuda_ops() -> bool:
    """Whether an installed mmcv lacks CUDA ops (built for the CPU), so
    that pip, which would keep it as "already satisfied", must rebuild it.
    """
    import importlib.util
    if importlib.util.find_spec('mmcv') is None:
        return False
    try:
        from mmcv.ops import get_compiling_cuda_version
    except Exception:  # an mmcv without (loadable) ops
        return True
    return get_compiling_cuda_version() == 'not available'


def cuda_build(cuda: str, driver: str) -> list[str]:
    """The environment of the CUDA build, after checking the driver and
    nvcc; one line on stderr."""
    needed = required_driver(cuda)
    if version_tuple(driver) < version_tuple(needed):
        raise SetupError(
            f'NVIDIA driver {driver} is too old: torch is built with CUDA '
            f'{cuda}, which needs driver >= {needed}. Upgrade the driver, '
            'or set UNIV_MMCV_CUDA=0 to build mmcv for the CPU only (its '
            'CUDA ops, e.g. MMDetection\'s RoIAlign and NMS, then fail on '
            'the GPU).')
    capabilities = sorted(set(nvidia_smi('compute_cap')))
    nvcc = nvcc_version()
    if version_tuple(nvcc)[0] != version_tuple(cuda)[0]:
        raise SetupError(
            f'nvcc is CUDA {nvcc} but torch is built with CUDA {cuda}: '
            f'point CUDA_HOME at a CUDA {cuda.split(".")[0]}.x toolkit.')
    arch = ';'.join(capabilities)
    cache = Path.home() / '.cache' / (
        f'pip-mmcv-cu{cuda}-sm{"_".join(capabilities)}')
    print(f'NVIDIA driver {driver} (torch CUDA {cuda} needs >= {needed}), '
          f'nvcc {nvcc}, GPU architectures {arch}: building mmcv with '
          f'CUDA ops, wheel cache {cache}', file=sys.stderr)
    flags = ['MMCV_WITH_OPS=1', 'FORCE_CUDA=1',
             f'TORCH_CUDA_ARCH_LIST={arch}', f'PIP_CACHE_DIR={cache}']
    if installed_without_cuda_ops():
        print('the installed mmcv has no CUDA ops: rebuilding it (mmcv '
              'alone, --force-reinstall --no-deps)', file=sys.stderr)
        flags += ['PIP_FORCE_REINSTALL=1', 'PIP_NO_DEPS=1']
    return flags


def decide(torch_cuda: str | None) -> list[str]:
    """The ``NAME=value`` words of mmcv's build on this machine."""
    forced = os.environ.get('UNIV_MMCV_CUDA')
    if forced == '0':
        print('UNIV_MMCV_CUDA=0: building mmcv for the CPU only',
              file=sys.stderr)
        return CPU_BUILD
    drivers = nvidia_smi('driver_version')
    if drivers is None:
        if forced == '1':
            raise SetupError('UNIV_MMCV_CUDA=1 but nvidia-smi is not on '
                             'PATH: no NVIDIA driver to build for.')
        print('no NVIDIA driver (nvidia-smi not on PATH): building mmcv '
              'for the CPU only', file=sys.stderr)
        return CPU_BUILD
    if torch_cuda is None:
        raise SetupError(
            'an NVIDIA driver is present but the installed torch is a CPU '
            'build: install requirements/torch.txt from the package '
            'registry (see the Makefile), or set UNIV_MMCV_CUDA=0.')
    return cuda_build(torch_cuda, drivers[0])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog='\n'.join(__doc__.splitlines()[1:]))
    parser.add_argument(
        '--torch-cuda', metavar='VERSION',
        help="torch's CUDA version, 'none' for a CPU build (default: read "
        'from the installed torch)')
    args = parser.parse_args(argv)
    try:
        if args.torch_cuda is None:
            torch_cuda = torch_cuda_version()
        else:
            torch_cuda = None if args.torch_cuda == 'none' else args.torch_cuda
        print(' '.join(decide(torch_cuda)))
    except SetupError as err:
        print(f'make setup: {err}', file=sys.stderr)
        return 2
    return 0


if __name__ == '__main__':
    sys.exit(main())
