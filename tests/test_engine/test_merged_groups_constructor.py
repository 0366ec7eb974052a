"""MergedGroupsOptimWrapperConstructor: fewer groups, the same updates."""
import copy

import pytest
import torch
from helpers import tiny_univ, tiny_vit
from mmengine.optim import build_optim_wrapper
from mmengine.registry import DefaultScope
from torch import nn

from univ_mm.engine.optimizers import merge_param_groups
from univ_mm.registry import MODELS

OPTIM = dict(optimizer=dict(type='AdamW', lr=1e-2, weight_decay=0.05),
             paramwise_cfg=dict(norm_decay_mult=0.0, bias_decay_mult=0.0))


def test_identical_groups_merge_and_different_ones_stay():
    a, b, c = (nn.Parameter(torch.zeros(2)) for _ in range(3))
    groups = [dict(params=[a], lr=1.0, weight_decay=0.05, param_name='a'),
              dict(params=[b], lr=1.0, weight_decay=0.0, param_name='b'),
              dict(params=[c], lr=1.0, weight_decay=0.05, param_name='c')]
    merged = merge_param_groups(groups)
    assert [g['params'] for g in merged] == [[a, c], [b]]
    assert [g['weight_decay'] for g in merged] == [0.05, 0.0]


def trained(constructor: str, model: nn.Module, steps: int = 3):
    with DefaultScope.overwrite_default_scope('univ_mm'):
        wrapper = build_optim_wrapper(model, dict(OPTIM,
                                                  constructor=constructor))
    torch.manual_seed(0)
    for _ in range(steps):
        inputs = dict(rgb=torch.randn(2, 3, 32, 32),
                      ir=torch.randn(2, 3, 32, 32))
        loss, _ = model.parse_losses(model.loss(inputs))
        wrapper.update_params(loss)
    return wrapper, {n: p.detach().clone() for n, p in
                     model.named_parameters()}


def test_lora_groups_become_one_with_the_same_updates():
    with DefaultScope.overwrite_default_scope('univ_mm'):
        model = MODELS.build(tiny_univ()).train()
    for name, param in model.backbone.named_parameters():
        if 'lora_B' in name:
            nn.init.normal_(param, std=0.1)
    twin = copy.deepcopy(model)
    default, expected = trained('DefaultOptimWrapperConstructor', model)
    merged, params = trained('MergedGroupsOptimWrapperConstructor', twin)
    trainable = sum(p.requires_grad for p in model.parameters())
    assert len(default.optimizer.param_groups) >= trainable
    assert len(merged.optimizer.param_groups) == 1
    for name, value in expected.items():
        assert torch.equal(params[name], value), name


def test_norms_and_biases_keep_their_own_weight_decay():
    """A fully trainable ViT: weights decay, norms and biases do not."""
    with DefaultScope.overwrite_default_scope('univ_mm'):
        model = MODELS.build(tiny_vit())
        wrapper = build_optim_wrapper(model, dict(
            OPTIM, constructor='MergedGroupsOptimWrapperConstructor'))
    groups = wrapper.optimizer.param_groups
    assert sorted(g['weight_decay'] for g in groups) == [0.0, 0.05]
    decay = {id(p) for g in groups if g['weight_decay'] for p in g['params']}
    params = dict(model.named_parameters())
    for name, param in params.items():
        if name.endswith('bias') or 'ln' in name.split('.')[-2:][0]:
            assert id(param) not in decay, name
    assert id(params['layers.0.attn.qkv.weight']) in decay
    assert len(decay) < len(params)


def test_resume_needs_the_same_layout_and_says_how_otherwise():
    with DefaultScope.overwrite_default_scope('univ_mm'):
        model = MODELS.build(tiny_univ()).train()
    fused = dict(OPTIM, optimizer=dict(OPTIM['optimizer'], fused=True))
    new, _ = trained('MergedGroupsOptimWrapperConstructor', model, steps=1)
    old, _ = trained('DefaultOptimWrapperConstructor', model, steps=1)
    with DefaultScope.overwrite_default_scope('univ_mm'):
        resumed = build_optim_wrapper(model, dict(
            fused, constructor='MergedGroupsOptimWrapperConstructor'))
    resumed.load_state_dict(new.state_dict())  # a new run resumes
    assert resumed.optimizer.state_dict()['state'].keys() == \
        new.optimizer.state_dict()['state'].keys()
    with pytest.raises(ValueError, match='optim_wrapper.constructor='
                       'DefaultOptimWrapperConstructor'):
        resumed.load_state_dict(old.state_dict())


def test_the_pretraining_schedule_merges_groups_for_fused_adamw():
    from mmengine.config import Config
    optim = Config.fromfile(
        'configs/_base_/schedules/adamw_400e.py').optim_wrapper
    assert optim.constructor == 'MergedGroupsOptimWrapperConstructor'
    assert optim.optimizer.fused is True
