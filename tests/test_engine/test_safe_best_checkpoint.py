"""SafeCheckpointHook's ``save_best``: the old best goes after the new one
is saved, for every rule and for several keys."""
import logging
import subprocess
from pathlib import Path
from types import SimpleNamespace

import pytest
from mmengine.logging import MessageHub

from univ_mm.checkpoint.safe_io import save_atomically
from univ_mm.engine.hooks import SafeCheckpointHook

#: save_best, rule, and the metrics of three evaluations: the second
#: better for every key, the third better for the first key only.
RULES = {
    'greater': (['acc'], 'greater', dict(acc=1.0), dict(acc=2.0),
                dict(acc=3.0)),
    'less': (['loss'], 'less', dict(loss=2.0), dict(loss=1.0),
             dict(loss=0.5)),
    'two keys': (['acc', 'loss'], ['greater', 'less'],
                 dict(acc=1.0, loss=2.0), dict(acc=2.0, loss=1.0),
                 dict(acc=3.0, loss=2.0)),
}


class BestRunner(SimpleNamespace):
    """The parts of a runner the hook uses; its save writes atomically, as
    the runner's does, notes what is on disk meanwhile, and fails for the
    files named in ``fail``."""

    def save_checkpoint(self, out_dir, filename, *args, meta, **kwargs):
        self.during_saves[filename] = best_files(Path(out_dir))
        if filename in self.fail:
            raise OSError(28, 'No space left on device', filename)
        save_atomically(dict(meta=meta), Path(out_dir) / filename)


def best_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()
                  if p.name.startswith('best_'))


def evaluate(hook, runner, iteration: int, metrics: dict) -> None:
    runner.iter = iteration
    hook.after_val_epoch(runner, metrics)


def start(tmp_path, save_best, rule, fail=()):
    runner = BestRunner(work_dir=str(tmp_path), epoch=0, iter=0,
                        logger=logging.getLogger('test'), fail=fail,
                        message_hub=MessageHub(f'best-{tmp_path.name}'),
                        during_saves={})
    if len(save_best) == 1:
        save_best = save_best[0]  # one key: MMEngine's single-best paths
    hook = SafeCheckpointHook(interval=1, by_epoch=False,
                              save_best=save_best, rule=rule)
    hook.before_train(runner)
    return hook, runner


def names(keys: list[str], iteration: int) -> list[str]:
    return sorted(f'best_{key}_iter_{iteration}.pth' for key in keys)


@pytest.mark.parametrize('case', RULES, ids=str)
def test_a_failed_best_save_keeps_the_previous_best(tmp_path, case):
    save_best, rule, first, better, _ = RULES[case]
    hook, runner = start(tmp_path, save_best, rule,
                         fail=names(save_best, 4)[:1])
    evaluate(hook, runner, 2, first)
    with pytest.raises(OSError):
        evaluate(hook, runner, 4, better)
    assert names(save_best, 2) == [
        name for name in best_files(tmp_path) if name.endswith('_2.pth')]
    assert not [p for p in tmp_path.iterdir() if p.suffix == '.tmp']


@pytest.mark.parametrize('case', RULES, ids=str)
def test_the_old_best_goes_once_the_new_one_is_saved(tmp_path, case):
    save_best, rule, first, better, first_better = RULES[case]
    hook, runner = start(tmp_path, save_best, rule)
    evaluate(hook, runner, 2, first)
    dead = subprocess.Popen(['true'])
    dead.wait()
    killed = tmp_path / f'.{names(save_best, 4)[0]}.{dead.pid}-0123abcd.tmp'
    killed.write_bytes(b'partial')  # a killed best save left it
    evaluate(hook, runner, 4, better)
    for name in names(save_best, 4):
        assert set(names(save_best, 2)) <= set(runner.during_saves[name])
    assert best_files(tmp_path) == names(save_best, 4)
    assert not killed.exists()
    evaluate(hook, runner, 6, first)  # worse: the best stays
    evaluate(hook, runner, 8, first_better)
    assert best_files(tmp_path) == sorted(
        names(save_best[:1], 8) + names(save_best[1:], 4))


@pytest.mark.parametrize('kwargs, backend_args', [
    (dict(), dict(backend='atomic_local')),
    (dict(out_dir='s3://bucket/runs'), None),
    (dict(backend_args=dict(backend='petrel')), dict(backend='petrel'))])
def test_local_checkpoints_are_written_with_the_atomic_backend(kwargs,
                                                               backend_args):
    assert SafeCheckpointHook(interval=1, **kwargs).backend_args == \
        backend_args
