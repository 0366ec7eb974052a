"""Stopped and resumed runs draw the augmentation of a straight run, with
persistent dataloader workers, in epoch- and iteration-based loops.

Each test compares runs made in this one process, so exact equality of
the draws and of the weights is expected.
"""
import random

import numpy as np
import pytest
import torch
from mmengine.dataset import BaseDataset
from mmengine.hooks import Hook
from mmengine.model import BaseModel
from mmengine.runner import Runner

from univ_mm.engine import IterationSeedHook
from univ_mm.engine.worker_seeding import EpochReseed, install_epoch_reseed


def draw(results: dict) -> dict:
    """A random 'augmentation' from each generator that transforms use."""
    return {'draws': torch.tensor([np.random.rand(), random.random(),
                                   float(torch.rand(()))])}


class Draws(BaseDataset):
    """Eight samples whose pipeline only draws random numbers."""

    def __init__(self) -> None:
        super().__init__(pipeline=[draw])

    def load_data_list(self) -> list[dict]:
        return [{'index': i} for i in range(8)]


class Weighted(BaseModel):
    """One weight; the loss depends on the draws."""

    def __init__(self) -> None:
        super().__init__()
        self.weight = torch.nn.Parameter(torch.ones(3))

    def forward(self, draws, data_samples=None, mode='loss'):
        return {'loss': (self.weight * torch.stack(draws)).sum() ** 2}


class RecordDraws(Hook):
    """Keeps ``(iteration, draws)`` of every trained batch."""

    def __init__(self) -> None:
        self.seen = []

    def before_train_iter(self, runner, batch_idx, data_batch=None):
        self.seen.append((runner.iter, torch.stack(
            data_batch['draws']).tolist()))


def train(work_dir, name: str, train_cfg: dict, resume: bool = False):
    """Train :class:`Weighted` on :class:`Draws` with 2 persistent workers;
    return the recorded draws and the final weight."""
    record = RecordDraws()
    runner = Runner(
        model=Weighted(), work_dir=str(work_dir), experiment_name=name,
        train_dataloader=dict(
            dataset=Draws(), batch_size=2, num_workers=2,
            persistent_workers=True,
            sampler=dict(type='DefaultSampler', shuffle=True)),
        train_cfg=train_cfg,
        optim_wrapper=dict(optimizer=dict(type='SGD', lr=0.01)),
        default_hooks=dict(checkpoint=dict(
            type='CheckpointHook', interval=1 if train_cfg['by_epoch']
            else 2, by_epoch=train_cfg['by_epoch'])),
        custom_hooks=[IterationSeedHook(), record],
        randomness=dict(seed=7), resume=resume,
        env_cfg=dict(mp_cfg=dict(mp_start_method='fork')))
    runner.train()
    # persistent workers live until garbage collection; the next run's
    # forked workers must not inherit them (they would hang at shutdown)
    runner.train_dataloader._iterator._shutdown_workers()
    return record.seen, runner.model.weight.detach().clone()


@pytest.mark.parametrize('loop, stop, end', [
    # 4 iterations per epoch: stop after epoch 1, resume for 2 more
    ({'by_epoch': True}, {'max_epochs': 1}, {'max_epochs': 3}),
    # stop at iteration 2, resume through an epoch boundary (iteration 4)
    ({'by_epoch': False}, {'max_iters': 2}, {'max_iters': 6}),
], ids=['epoch-based', 'iteration-based'])
@pytest.mark.slow
def test_stop_and_resume_draws_what_a_straight_run_draws(tmp_path, loop,
                                                         stop, end):
    kind = 'epoch' if loop['by_epoch'] else 'iter'
    straight, weight = train(tmp_path / 'straight', f'{kind}-straight',
                             {**loop, **end})
    first, _ = train(tmp_path / 'resumed', f'{kind}-first', {**loop, **stop})
    rest, resumed_weight = train(tmp_path / 'resumed', f'{kind}-rest',
                                 {**loop, **end}, resume=True)
    assert rest[0][0] == first[-1][0] + 1
    assert first + rest == straight
    assert torch.equal(resumed_weight, weight)


def test_reseed_step_is_installed_once_and_names_bad_datasets():
    dataset = Draws()
    step = install_epoch_reseed(dataset, seed=1, rank=0)
    assert install_epoch_reseed(dataset, seed=2, rank=0) is step
    assert step.seed == 2
    assert [type(t) for t in dataset.pipeline.transforms].count(
        EpochReseed) == 1
    with pytest.raises(TypeError, match='list has no MMEngine pipeline'):
        install_epoch_reseed([], seed=1, rank=0)
