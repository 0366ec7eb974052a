"""NonFiniteGuardHook: stop on NaN/inf, never save non-finite weights."""
import math
from types import SimpleNamespace

import pytest
import torch
from helpers import tiny_univ
from mmengine.hooks import Hook
from mmengine.runner import Runner

from univ_mm.checkpoint import load_checkpoint_safely
from univ_mm.engine.hooks import NonFiniteGuardHook
from univ_mm.synthetic.world import generate_synthetic_mvip


@pytest.mark.parametrize('value', [math.nan, math.inf])
def test_non_finite_loss_stops_with_the_iteration(value):
    runner = SimpleNamespace(iter=6)
    outputs = dict(loss=torch.tensor(value), positives_per_row=1.0)
    with pytest.raises(FloatingPointError, match='iteration 7'):
        NonFiniteGuardHook().after_train_iter(runner, 0, outputs=outputs)
    NonFiniteGuardHook().after_train_iter(
        runner, 0, outputs=dict(loss=torch.tensor(1.0)))


def test_non_finite_weights_are_never_saved():
    state = dict(w=torch.tensor([1.0, math.nan]), steps=torch.tensor([3]))
    with pytest.raises(FloatingPointError, match='non-finite weights'):
        NonFiniteGuardHook().before_save_checkpoint(
            SimpleNamespace(iter=4), dict(state_dict=state))


class PoisonHook(Hook):
    """Turn the student's LoRA weights into NaN before iteration 3."""

    def before_train_iter(self, runner, batch_idx, data_batch=None):
        if runner.iter == 2:
            for name, param in runner.model.named_parameters():
                if 'lora_A' in name:
                    param.data.fill_(math.nan)


def test_training_stops_and_keeps_the_last_good_checkpoint(tmp_path):
    generate_synthetic_mvip(tmp_path / 'data', num_pairs=8,
                            image_size=(32, 32))
    model = tiny_univ()
    runner = Runner(
        model=model, work_dir=str(tmp_path / 'work'),
        train_dataloader=dict(
            batch_size=2, num_workers=0,
            sampler=dict(type='DefaultSampler', shuffle=False),
            dataset=dict(type='MVIPDataset', data_root=str(tmp_path / 'data'),
                         sources=['SYNTH_DAY', 'SYNTH_NIGHT'],
                         pipeline=[dict(type='LoadPairedImages'),
                                   dict(type='PackPairedInputs')])),
        optim_wrapper=dict(optimizer=dict(type='SGD', lr=0.01)),
        train_cfg=dict(by_epoch=False, max_iters=5),
        default_hooks=dict(checkpoint=dict(
            type='CheckpointHook', by_epoch=False, interval=1)),
        custom_hooks=[dict(type='NonFiniteGuardHook'), PoisonHook()],
        default_scope='univ_mm')
    with pytest.raises(FloatingPointError, match='iteration 3'):
        runner.train()
    work = tmp_path / 'work'
    assert not (work / 'iter_3.pth').exists()
    assert (work / 'last_checkpoint').read_text().endswith('iter_2.pth')
    state = load_checkpoint_safely(work / 'iter_2.pth')['state_dict']
    assert all(torch.isfinite(v).all() for v in state.values()
               if v.is_floating_point())
