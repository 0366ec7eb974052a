"""The ConvMAE segmentation configs: build, protocol, one training step.

Each carries the protocol of its ViT counterpart (the UNIV release's MSRS
run, UNIP's SODA / MFNet-T / SCUT-Seg runs) value for value, except what is
the backbone's: its maps, drop path 0.2 on MSRS, and layer decay 0.75.
"""
import math
import re
from pathlib import Path

import pytest
import torch
from helpers import assert_only_init_differs, one_camera_configs
from mmengine.config import Config
from mmengine.optim import build_optim_wrapper
from mmengine.registry import DefaultScope
from mmengine.runner import Runner
from mmseg.registry import MODELS
from test_seg_configs import check_data, check_optimizer, check_schedule

SEG = Path('configs/seg')
CONFIGS = one_camera_configs(SEG, '*convmae*.py')
TWINS = one_camera_configs(SEG / 'baselines', '*convmae*.py')
NAME = re.compile(r'(?P<algo>upernet|linear-probe)_univ-convmae-b_'
                  r'(?P<gpus>\d)xb(?P<batch>\d)-(?P<schedule>[\d.]+k)_'
                  r'(?P<data>[a-z-]+)-512x512\.py')
MSRS_IR = SEG / 'upernet_univ-convmae-b_4xb2-48k_msrs-ir-512x512.py'
#: Keys that hold the protocol, not the model.
PROTOCOL_KEYS = ('param_scheduler', 'train_cfg', 'val_cfg', 'test_cfg',
                 'default_hooks', 'randomness', 'auto_scale_lr', 'env_cfg',
                 'train_dataloader', 'val_dataloader', 'test_dataloader',
                 'val_evaluator', 'test_evaluator')
#: The tiny ConvMAE's channels per map.
TINY = [16, 24, 32, 32]


def tiny(cfg: Config) -> Config:
    """The tiny ConvMAE in place of ConvMAE-B, heads sized to it."""
    probe = cfg.model.decode_head.type == 'FCNHead'
    options = {'model.backbone.arch': 'tiny',
               'model.decode_head.in_channels': TINY[:3] if probe else TINY,
               'model.decode_head.channels': sum(TINY[:3]) if probe else 16}
    if not probe:
        options.update({'model.auxiliary_head.in_channels': TINY[2],
                        'model.auxiliary_head.channels': 16,
                        'model.backbone.frozen_stages': 0})
    cfg.merge_from_dict(options)
    return cfg


def build(cfg: Config) -> torch.nn.Module:
    with DefaultScope.overwrite_default_scope('mmseg'):
        return MODELS.build(cfg.model)


def vit_counterpart(path: Path) -> Path:
    """The ViT config of the same protocol (UNIP's fine-tuning: LL-FPN)."""
    name = path.name.replace('univ-convmae-b', 'univ-vit-b')
    if name.startswith('upernet_') and '_msrs-' not in name:
        name = name.replace('upernet_', 'upernet-llfpn_', 1)
    return SEG / name


def test_the_set_is_complete():
    parsed = [NAME.fullmatch(p.name) for p in CONFIGS]
    assert all(parsed), [p.name for p in CONFIGS]
    runs = {(m['algo'], m['data']) for m in parsed}
    unip = ('soda', 'mfnet-t', 'scut-seg')
    assert runs == {('upernet', data) for data in ('msrs-ir', 'msrs-rgb',
                                                   *unip)} | {
        ('linear-probe', data) for data in unip}
    assert {p.name for p in TWINS} == {
        p.name.replace('univ-convmae-b', 'convmae-b') for p in CONFIGS}


@pytest.mark.parametrize('path', CONFIGS, ids=lambda p: p.stem)
def test_config_builds_with_its_protocol(path):
    cfg = Config.fromfile(path)
    name = NAME.fullmatch(path.name)
    probe = name['algo'] == 'linear-probe'
    check_schedule(cfg, name)
    check_optimizer(cfg, None if probe else 0.75)
    check_data(cfg, name['data'])
    vit = Config.fromfile(vit_counterpart(path))
    for key in PROTOCOL_KEYS:
        assert cfg[key] == vit[key], key
    assert cfg.model.data_preprocessor == vit.model.data_preprocessor
    assert cfg.model.test_cfg == vit.model.test_cfg == dict(
        mode='slide', crop_size=(512, 512), stride=(341, 341))
    backbone = cfg.model.backbone
    assert backbone.type == 'univ_mm.UNIVConvMAE' and backbone.arch == 'b'
    assert 'UNIV_checkpoint' in backbone.init_cfg.checkpoint
    if not probe:  # the release's 0.2 on MSRS, UNIP's 0.1 on its data
        assert backbone.drop_path_rate == vit.model.backbone.drop_path_rate
    model = build(tiny(cfg))
    assert model.decode_head.num_classes == vit.model.decode_head.num_classes
    maps = model.backbone(torch.randn(1, 3, 64, 64))
    assert [m.shape[1] for m in maps] == \
        list(cfg.model.decode_head.in_channels)


def test_unip_fine_tuning_differs_from_the_vit_only_in_layer_decay():
    path = SEG / 'upernet_univ-convmae-b_2xb4-14.4k_soda-512x512.py'
    ours, vit = Config.fromfile(path), Config.fromfile(vit_counterpart(path))
    assert vit.optim_wrapper.paramwise_cfg.layer_decay_rate == 0.85
    ours.optim_wrapper.paramwise_cfg.layer_decay_rate = 0.85
    assert ours.optim_wrapper == vit.optim_wrapper


@pytest.mark.parametrize('path', TWINS, ids=lambda p: p.stem)
def test_teacher_twin_differs_only_in_the_backbone_init(path):
    assert 'convmae_base' in Config.fromfile(path).convmae_b.checkpoint
    assert_only_init_differs(path, SEG / path.name.replace(
        'convmae-b', 'univ-convmae-b'), 'convmae_b')


def test_msrs_follows_the_release_protocol():
    cfg = Config.fromfile(MSRS_IR)
    backbone = cfg.model.backbone
    assert (backbone.drop_path_rate, backbone.layer_scale_init_value,
            backbone.use_rel_pos_bias) == (0.2, 1.0, True)
    assert cfg.model.decode_head.in_channels == [256, 384, 768, 768]
    assert cfg.model.decode_head.channels == 768
    assert cfg.optim_wrapper.paramwise_cfg.layer_decay_rate == 0.75
    warmup, poly = cfg.param_scheduler
    assert (warmup.end, poly.begin, poly.end) == (1501, 0, 48001)
    assert (cfg.train_cfg.val_interval,
            cfg.default_hooks.checkpoint.interval) == (2400, 2400)
    assert cfg.randomness == dict(seed=24, deterministic=False)
    assert cfg.env_cfg.cudnn_benchmark is False
    assert cfg.auto_scale_lr.base_batch_size == 4 * 2
    assert cfg.train_dataloader.batch_size == 2


def test_layer_decay_and_weight_decay_follow_convmae():
    cfg = tiny(Config.fromfile(MSRS_IR))
    cfg.optim_wrapper.type = 'OptimWrapper'  # AMP needs a GPU
    model = build(cfg)
    with DefaultScope.overwrite_default_scope('univ_mm'):
        wrapper = build_optim_wrapper(model, cfg.optim_wrapper)
    params = dict(model.named_parameters())
    groups = {id(p): g for g in wrapper.optimizer.param_groups
              for p in g['params']}

    def group(name):
        return groups[id(params[name])]

    # tiny: 2 transformer blocks, so 4 depths and lr x 0.75 ** (3 - depth)
    for name, depth in [('backbone.patch_embed1.proj.weight', 0),
                        ('backbone.blocks2.0.attn.weight', 0),
                        ('backbone.pos_embed', 0),
                        ('backbone.blocks3.1.attn.qkv.weight', 2),
                        ('backbone.fpn.0.weight', 3),
                        ('decode_head.conv_seg.weight', 3)]:
        assert group(name)['lr'] == pytest.approx(1e-4 * 0.75**(3 - depth))
    assert group('backbone.pos_embed')['weight_decay'] == 0.05
    for name in ('backbone.blocks3.0.gamma_1',
                 'backbone.blocks3.0.norm1.weight',
                 'backbone.blocks3.0.attn.qkv.bias'):
        assert group(name)['weight_decay'] == 0


def test_fine_tuning_takes_a_step(shrink_config, config_data_root, tmp_path):
    cfg = tiny(shrink_config(Config.fromfile(MSRS_IR),
                             config_data_root(MSRS_IR.name), tmp_path))
    with DefaultScope.overwrite_default_scope('mmseg'):
        model = MODELS.build(cfg.model)
        loader = Runner.build_dataloader(cfg.train_dataloader, seed=0)
    model.init_weights()
    before = {k: v.clone() for k, v in model.backbone.state_dict().items()}
    wrapper = build_optim_wrapper(model, cfg.optim_wrapper)
    model.train()
    losses = model.train_step(next(iter(loader)), wrapper)
    assert math.isfinite(losses['loss'].item())
    moved = {k for k, v in model.backbone.state_dict().items()
             if v.is_floating_point() and not torch.equal(v, before[k])}
    assert {'blocks1.0.conv1.weight', 'blocks3.1.attn.qkv.weight',
            'blocks3.1.attn.relative_position_bias_table',
            'fpn.0.weight'} <= moved
