"""Every config of configs/seg builds and carries the published protocol."""
import re
from pathlib import Path

import pytest
import torch
from mmengine.config import Config
from mmengine.optim import build_optim_wrapper
from mmengine.registry import DefaultScope
from mmseg.registry import MODELS, TRANSFORMS

CONFIGS = sorted(Path('configs/seg').glob('*vit-b*.py'))
MSRS_IR = Path('configs/seg/upernet_univ-vit-b_8xb2-48k_msrs-ir-512x512.py')
NAME = re.compile(r'(?P<algo>upernet|linear-probe)_univ-vit-b_8xb2-'
                  r'(?P<schedule>[\d.]+k)_(?P<data>[a-z-]+)-512x512\.py')
PROTOCOL = {  # data: (classes, iterations, mean of each channel or None)
    'msrs-ir': (9, 48000, 136.12), 'msrs-rgb': (9, 48000, None),
    'soda': (21, 14400, 96.9255), 'mfnet-t': (9, 9800, 96.9255),
    'mfnet-rgb': (9, 9800, None), 'scut-seg': (10, 16800, 96.9255),
}
IMAGENET_MEAN = [123.675, 116.28, 103.53]


def build(model_cfg: dict) -> torch.nn.Module:
    with DefaultScope.overwrite_default_scope('mmseg'):
        return MODELS.build(model_cfg)


def test_one_fine_tune_and_one_linear_probe_config_per_benchmark():
    parsed = [NAME.fullmatch(p.name) for p in CONFIGS]
    assert all(parsed), [p.name for p in CONFIGS]
    assert sorted((m['algo'], m['data']) for m in parsed) == sorted(
        (algo, data) for algo in ('upernet', 'linear-probe')
        for data in PROTOCOL)


def check_schedule(cfg: Config, iters: int) -> None:
    warmup, poly = cfg.param_scheduler
    assert (warmup.type, warmup.begin, warmup.end) == ('LinearLR', 0, 1500)
    assert (poly.type, poly.begin, poly.end, poly.power) == (
        'PolyLR', 1500, iters, 1.0)
    assert cfg.train_cfg.max_iters == iters
    optim = cfg.optim_wrapper
    assert optim.type == 'AmpOptimWrapper'
    assert (optim.optimizer.type, optim.optimizer.lr,
            optim.optimizer.weight_decay) == ('AdamW', 1e-4, 0.05)
    assert cfg.train_dataloader.batch_size == 2
    assert cfg.auto_scale_lr.base_batch_size == 8 * 2


@pytest.mark.parametrize('path', CONFIGS, ids=lambda p: p.stem)
def test_config_builds_with_the_published_protocol(path):
    cfg = Config.fromfile(path)
    match = NAME.fullmatch(path.name)
    num_classes, iters, mean = PROTOCOL[match['data']]
    assert match['schedule'] == f'{iters / 1000:g}k'
    check_schedule(cfg, iters)
    assert cfg.model.test_cfg == dict(mode='slide', crop_size=(512, 512),
                                      stride=(341, 341))
    assert cfg.train_pipeline[3].crop_size == (512, 512)
    assert cfg.model.data_preprocessor.mean == (
        [mean] * 3 if mean else IMAGENET_MEAN)
    assert cfg.train_dataloader.dataset.type.startswith('univ_mm.')
    assert cfg.custom_imports.imports == ['univ_mm']
    backbone = cfg.model.backbone
    assert (backbone.type, backbone.arch, backbone.out_indices) == (
        'univ_mm.UNIVVisionTransformer', 'b', (3, 5, 7, 11))
    assert backbone.init_cfg.type == 'Pretrained'
    model = build(cfg.model)  # no init_weights: nothing is read
    with DefaultScope.overwrite_default_scope('mmseg'):
        for transform in cfg.train_pipeline + cfg.test_pipeline:
            TRANSFORMS.build(transform)
    assert model.decode_head.num_classes == num_classes
    if match['algo'] == 'linear-probe':
        trainable = [n for n, p in model.named_parameters()
                     if p.requires_grad]
        assert trainable == ['decode_head.conv_seg.weight',
                             'decode_head.conv_seg.bias']
        assert model.decode_head.conv_seg.in_channels == 4 * 768
        assert not model.with_neck and not model.with_auxiliary_head
    else:
        assert all(p.requires_grad for p in model.parameters())
        assert model.neck.rescales == [4, 2, 1, 0.5]
        assert model.auxiliary_head.num_classes == num_classes
        assert model.auxiliary_head.loss_decode.loss_weight == 0.4


def test_layer_decay_follows_the_backbone_get_layer_depth():
    cfg = Config.fromfile(MSRS_IR)
    model = build(cfg.model)
    wrapper = build_optim_wrapper(
        model, dict(cfg.optim_wrapper, type='OptimWrapper'))
    lr = {id(p): group['lr'] for group in wrapper.optimizer.param_groups
          for p in group['params']}
    named = dict(model.named_parameters())
    assert lr.keys() == {id(p) for p in named.values()}
    for name, param in named.items():
        depth, total = model.backbone.get_layer_depth(name, 'backbone.')
        assert lr[id(param)] == pytest.approx(1e-4 * 0.75**(total - depth
                                                             - 1)), name
    blocks = [lr[id(named[f'backbone.layers.{i}.attn.qkv.weight'])]
              for i in range(12)]
    assert blocks == sorted(blocks) and len(set(blocks)) == 12
    assert blocks[-1] == pytest.approx(0.75e-4)
    assert lr[id(named['backbone.patch_embed.projection.weight'])] < blocks[0]
    assert lr[id(named['decode_head.conv_seg.weight'])] == 1e-4


def test_pyramid_has_strides_4_8_16_32(shrink_config, tmp_path):
    cfg = shrink_config(Config.fromfile(MSRS_IR), tmp_path, tmp_path)
    model = build(cfg.model).eval()
    with torch.no_grad():
        levels = model.neck(model.backbone(torch.rand(1, 3, 64, 64)))
    assert [64 // level.shape[-1] for level in levels] == [4, 8, 16, 32]


@pytest.mark.parametrize('prefix', [None, 'backbone.'],
                         ids=['univ-export', 'mmpretrain-teacher'])
def test_backbone_loads_univ_export_or_teacher(tiny_export, shrink_config,
                                               tmp_path, prefix):
    state = torch.load(tiny_export)['state_dict']
    checkpoint = tiny_export
    if prefix:  # an MMPretrain model checkpoint: backbone.* and a head
        checkpoint = tmp_path / 'teacher.pth'
        torch.save({'state_dict': {
            **{prefix + k: v for k, v in state.items()},
            'head.fc.weight': torch.zeros(2, 32)}}, checkpoint)
    cfg = shrink_config(Config.fromfile(MSRS_IR), tmp_path, tmp_path,
                        checkpoint)
    if prefix:
        cfg.merge_from_dict({'model.backbone.init_cfg.prefix': prefix})
    model = build(cfg.model)
    model.init_weights()
    loaded = model.backbone.state_dict()
    assert loaded.keys() == state.keys()
    for key, value in state.items():
        torch.testing.assert_close(loaded[key], value, msg=key)
