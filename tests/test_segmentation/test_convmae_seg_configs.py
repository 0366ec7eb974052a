"""The ConvMAE segmentation configs: build, protocol, one training step."""
import math
import re
from pathlib import Path

import pytest
import torch
from mmengine.config import Config
from mmengine.optim import build_optim_wrapper
from mmengine.registry import DefaultScope
from mmengine.runner import Runner
from mmseg.registry import MODELS

CONFIGS = sorted(Path('configs/seg').glob('*convmae*.py'))
NAME = re.compile(r'(?P<algo>upernet|linear-probe)_(?P<init>univ-)?'
                  r'convmae-b_(?P<gpus>[48])xb2-(?P<schedule>[\d.]+k)_'
                  r'(?P<data>[a-z-]+)-512x512\.py')
MSRS_IR = Path(
    'configs/seg/upernet_univ-convmae-b_4xb2-48k_msrs-ir-512x512.py')
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


def test_the_set_is_complete():
    parsed = [NAME.fullmatch(p.name) for p in CONFIGS]
    assert all(parsed), [p.name for p in CONFIGS]
    runs = {(m['algo'], m['data'], bool(m['init'])) for m in parsed}
    fine_tune = ('msrs-ir', 'msrs-rgb', 'soda', 'mfnet-t', 'scut-seg')
    expected = {('upernet', data, init) for data in fine_tune
                for init in (True, False)}
    expected |= {('linear-probe', data, init) for data in fine_tune[2:]
                 for init in (True, False)}
    assert runs == expected


@pytest.mark.parametrize('path', CONFIGS, ids=lambda p: p.stem)
def test_config_builds(path):
    cfg = Config.fromfile(path)
    backbone = cfg.model.backbone
    assert backbone.type == 'univ_mm.UNIVConvMAE' and backbone.arch == 'b'
    release = 'convmae_base' if path.name.startswith(
        ('upernet_convmae', 'linear-probe_convmae')) else 'UNIV_checkpoint'
    assert release in backbone.init_cfg.checkpoint
    model = build(tiny(cfg))
    maps = model.backbone(torch.randn(1, 3, 64, 64))
    assert [m.shape[1] for m in maps] == \
        list(cfg.model.decode_head.in_channels)


def test_msrs_follows_the_release_protocol():
    cfg = Config.fromfile(MSRS_IR)
    backbone = cfg.model.backbone
    assert (backbone.drop_path_rate, backbone.layer_scale_init_value,
            backbone.use_rel_pos_bias) == (0.2, 1.0, True)
    assert cfg.model.decode_head.in_channels == [256, 384, 768, 768]
    assert cfg.model.decode_head.channels == 768
    optim = cfg.optim_wrapper
    assert (optim.optimizer.lr, optim.optimizer.weight_decay) == (1e-4, 0.05)
    assert optim.paramwise_cfg.layer_decay_rate == 0.75
    warmup, poly = cfg.param_scheduler
    assert (warmup.end, poly.begin, poly.end) == (1500, 1500, 48000)
    assert cfg.train_cfg.val_interval == 2400
    assert cfg.randomness == dict(seed=24, deterministic=True)
    assert cfg.auto_scale_lr.base_batch_size == 4 * 2
    assert cfg.train_dataloader.batch_size == 2
    assert cfg.model.test_cfg == dict(mode='slide', crop_size=(512, 512),
                                      stride=(341, 341))


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
