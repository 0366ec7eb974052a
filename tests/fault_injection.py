"""Hooks that inject faults into real training runs (tests only).

Loaded into ``tools/train.py`` through ``custom_imports`` with ``tests/`` on
``PYTHONPATH``, so the code under test is the real command line.
"""
import json
import os
import signal
from pathlib import Path

from mmengine.hooks import Hook

from univ_mm.registry import HOOKS


def _kill_self() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


@HOOKS.register_module()
class KillWhileSavingHook(Hook):
    """SIGKILL the process halfway through writing checkpoint ``name``.

    The file is cut to half its size at the moment it is flushed to disk,
    then the process dies, as if killed in the middle of the write.
    """

    def __init__(self, name: str) -> None:
        self.name = name

    def before_train(self, runner) -> None:
        original_fsync = os.fsync

        def fsync_then_die(fd: int) -> None:
            target = os.readlink(f'/proc/self/fd/{fd}')
            if Path(target).name.startswith(f'.{self.name}.'):
                os.ftruncate(fd, os.fstat(fd).st_size // 2)
                _kill_self()
            original_fsync(fd)

        os.fsync = fsync_then_die


@HOOKS.register_module()
class RecordBatchesHook(Hook):
    """Append each iteration's pair names to a JSON-lines file."""

    def __init__(self, path: str) -> None:
        self.path = path

    def before_train_iter(self, runner, batch_idx, data_batch=None) -> None:
        names = [s.pair_name for s in data_batch['data_samples']]
        with open(self.path, 'a') as file:
            file.write(json.dumps([runner.iter + 1, names]) + '\n')
