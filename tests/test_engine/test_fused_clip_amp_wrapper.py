"""Clipping folded into fused AdamW's unscaling: the update of MMEngine's
AMP step (unscale, global-norm clip, step), in fewer kernels."""
from unittest import mock

import pytest
import torch
from mmengine.logging import MessageHub
from mmengine.optim import AmpOptimWrapper

from univ_mm.engine.optimizers import FusedClipAmpOptimWrapper
from univ_mm.registry import OPTIM_WRAPPERS

SCALE = 1024.0


def build(wrapper_type: str, fused: bool, max_norm: float):
    torch.manual_seed(0)
    params = [torch.nn.Parameter(torch.randn(shape))
              for shape in ((8, 4), (4, ), (3, 5))]
    optimizer = torch.optim.AdamW(params, lr=0.1, weight_decay=0.05,
                                  fused=fused)
    # AmpOptimWrapper asserts a GPU; its scaler is replaced by a CPU one
    with mock.patch('mmengine.optim.optimizer.amp_optimizer_wrapper.'
                    'is_cuda_available', return_value=True):
        wrapper = OPTIM_WRAPPERS.build(dict(
            type=wrapper_type, optimizer=optimizer,
            clip_grad=dict(max_norm=max_norm)))
    wrapper.loss_scaler = torch.amp.GradScaler('cpu', init_scale=SCALE)
    return params, wrapper


def run(wrapper_type: str, fused: bool, max_norm: float, bad: bool = False):
    params, wrapper = build(wrapper_type, fused, max_norm)
    for i in range(3):
        loss = sum((p * (i + 1)).square().sum() for p in params)
        if bad and i == 1:
            loss = loss * float('inf')
        wrapper.update_params(loss)
    norm = MessageHub.get_current_instance().get_scalar('train/grad_norm')
    return params, wrapper.loss_scaler.get_scale(), norm.current()


@pytest.mark.parametrize('max_norm', [1.0, 1e6])  # clipping on, off
@pytest.mark.parametrize('bad', [False, True])  # an overflow in step 2
def test_same_update_scale_and_logged_norm_as_mmengines_amp_step(
        max_norm, bad):
    with mock.patch.object(AmpOptimWrapper, 'step') as mmengine_step:
        run('FusedClipAmpOptimWrapper', True, max_norm, bad)
    mmengine_step.assert_not_called()  # the folded path ran
    ours = run('FusedClipAmpOptimWrapper', True, max_norm, bad)
    reference = run('AmpOptimWrapper', False, max_norm, bad)
    for a, b in zip(ours[0], reference[0], strict=True):
        torch.testing.assert_close(a, b, rtol=1e-5, atol=1e-6)
    assert ours[1] == reference[1]
    assert ours[2] == pytest.approx(reference[2], rel=1e-5)


def test_gradients_are_not_unscaled_before_the_step():
    params, wrapper = build('FusedClipAmpOptimWrapper', True, 1.0)
    with mock.patch.object(wrapper.loss_scaler, 'unscale_') as unscale, \
            mock.patch.object(wrapper, '_clip_grad') as clip:
        wrapper.update_params(sum(p.sum() for p in params))
    unscale.assert_not_called()
    clip.assert_not_called()


def test_non_fused_groups_step_as_mmengine():
    params, wrapper = build('FusedClipAmpOptimWrapper', False, 1.0)
    with mock.patch.object(AmpOptimWrapper, 'step') as step:
        wrapper.update_params(sum(p.sum() for p in params))
    step.assert_called_once()
    assert isinstance(wrapper, FusedClipAmpOptimWrapper)


def test_a_scaler_without_the_internals_it_reads_steps_as_mmengine():
    params, wrapper = build('FusedClipAmpOptimWrapper', True, 1.0)

    class PublicOnly(torch.amp.GradScaler):
        _get_scale_async = property()  # hasattr() is False
    wrapper.loss_scaler = PublicOnly('cpu', init_scale=SCALE)
    with mock.patch.object(AmpOptimWrapper, 'step') as step:
        wrapper.update_params(sum(p.sum() for p in params))
    step.assert_called_once()


def test_the_pretraining_recipe_folds_clipping_into_fused_adamw():
    from mmengine.config import Config
    cfg = Config.fromfile('configs/pretrain/univ_vit-b_mvip.py')
    assert OPTIM_WRAPPERS.get(cfg.optim_wrapper.type) is \
        FusedClipAmpOptimWrapper
    assert cfg.optim_wrapper.optimizer.fused
    assert set(cfg.optim_wrapper.clip_grad) == {'max_norm'}
