"""The ConvMAE detection configs: the ViT configs' protocols on ConvMAE's
four maps + FPN, their teacher twins, one training step."""
import math
from pathlib import Path

import pytest
import torch
from helpers import assert_only_init_differs, one_camera_configs
from mmdet.registry import MODELS
from mmengine.config import Config
from mmengine.optim import build_optim_wrapper
from mmengine.registry import DefaultScope
from mmengine.runner import Runner
from test_train_eval import TINY_MODEL, data_name, shrink

DET = Path('configs/det')
CONFIGS = one_camera_configs(DET, '*convmae*.py')
TWINS = one_camera_configs(DET / 'baselines', '*convmae*.py')
#: The tiny ConvMAE and an FPN over its four maps.
TINY_CONVMAE = {**TINY_MODEL, 'model.backbone.arch': 'tiny',
                'model.neck.in_channels': [16, 24, 32, 32]}


def build(cfg: Config) -> torch.nn.Module:
    cfg.merge_from_dict(TINY_CONVMAE)
    with DefaultScope.overwrite_default_scope('mmdet'):
        return MODELS.build(cfg.model)


def vit_counterpart(path: Path) -> Path:
    """The ViT config of the same dataset and protocol."""
    return DET / path.name.replace('univ-convmae-b-fpn',
                                   'univ-vit-b-p16-sfp')


def test_univ_config_for_every_vit_config_and_a_teacher_twin_each():
    vit = {p.name.split('_', 2)[2] for p in one_camera_configs(
        DET, 'faster-rcnn_univ-vit-b*.py')}
    assert {p.name for p in CONFIGS} == {
        f'faster-rcnn_univ-convmae-b-fpn_{rest}' for rest in vit}
    assert {p.name for p in TWINS} == {
        f'faster-rcnn_convmae-b-fpn_{rest}' for rest in vit}


@pytest.mark.parametrize('path', CONFIGS, ids=lambda p: p.stem)
def test_config_carries_the_vit_protocol_on_the_four_maps(path):
    cfg, vit = Config.fromfile(path), Config.fromfile(vit_counterpart(path))
    for key in ('param_scheduler', 'train_cfg', 'default_hooks',
                'randomness', 'auto_scale_lr', 'train_dataloader',
                'test_dataloader', 'test_evaluator', 'log_processor'):
        assert cfg[key] == vit[key], key
    for key in ('data_preprocessor', 'rpn_head', 'roi_head'):
        assert cfg.model[key] == vit.model[key], key
    # PAD's optimiser; its no-decay keys on ConvMAE's norms as well
    keys = cfg.optim_wrapper.paramwise_cfg.pop('custom_keys')
    vit_keys = vit.optim_wrapper.paramwise_cfg.pop('custom_keys')
    assert cfg.optim_wrapper == vit.optim_wrapper
    assert keys == {**vit_keys, **cfg.convmae_norms_no_decay}
    init = cfg.model.backbone.init_cfg
    assert 'UNIV_checkpoint' in init.checkpoint and 'prefix' not in init
    assert cfg.model.neck.in_channels == [256, 384, 768, 768]
    model = build(cfg)
    features = model.extract_feat(torch.randn(1, 3, 64, 64))
    assert [f.shape[-1] for f in features] == [16, 8, 4, 2, 1]


def test_no_weight_decay_on_convmaes_norms():
    cfg = Config.fromfile(CONFIGS[0])
    model = build(cfg)
    cfg.optim_wrapper.type = 'OptimWrapper'  # AMP needs a GPU
    with DefaultScope.overwrite_default_scope('univ_mm'):
        wrapper = build_optim_wrapper(model, cfg.optim_wrapper)
    decay = {group['param_name']: group['weight_decay']
             for group in wrapper.optimizer.param_groups}
    for name in ('backbone.blocks1.0.norm1.weight',
                 'backbone.blocks3.1.norm2.bias',
                 'backbone.patch_embed3.norm.weight',
                 'backbone.fpn.1.weight', 'backbone.pos_embed'):
        assert decay[name] == 0.0, name
    for name in ('backbone.blocks3.1.attn.qkv.weight',
                 'backbone.blocks3.1.attn.qkv.bias', 'backbone.fpn.0.weight',
                 'neck.fpn_convs.0.conv.weight'):
        assert decay[name] == 0.1, name


@pytest.mark.parametrize('path', TWINS, ids=lambda p: p.stem)
def test_teacher_twin_differs_only_in_the_backbone_init(path):
    assert_only_init_differs(path, DET / path.name.replace(
        'convmae-b', 'univ-convmae-b'), 'convmae_b')


def test_one_training_step(converted, tmp_path):
    path = next(p for p in CONFIGS
                if '_univ-' in p.name and data_name(p) == 'flir-ir')
    cfg = shrink(path, converted['flir-ir'], tmp_path)
    model = build(cfg)
    model.init_weights()
    with DefaultScope.overwrite_default_scope('mmdet'):
        loader = Runner.build_dataloader(cfg.train_dataloader, seed=0)
        wrapper = build_optim_wrapper(model, cfg.optim_wrapper)
    before = {k: v.clone() for k, v in model.backbone.state_dict().items()}
    model.train()
    losses = model.train_step(next(iter(loader)), wrapper)
    assert math.isfinite(losses['loss'].item())
    moved = [k for k, v in model.backbone.state_dict().items()
             if v.is_floating_point() and not torch.equal(v, before[k])]
    assert 'blocks3.1.attn.qkv.weight' in moved and 'fpn.0.weight' in moved
