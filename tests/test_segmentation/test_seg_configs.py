"""Every config of configs/seg builds and carries its source's protocol.

The expected values are the sources', read from casiatao/UNIP
(UNIP_segmentation/train_scripts/train_vit_base.sh, configs/fine_tuning,
configs/linear_probing, configs/_base_/datasets) and fangyuanmao/UNIV
(SEG/MCMAE_SEG/configs/convmae/upernet_msrs.py, run_train.sh).
"""
import re
from pathlib import Path

import numpy as np
import pytest
import torch
from helpers import TINY_ARCH, assert_only_init_differs, one_camera_configs
from mmengine.config import Config
from mmengine.optim import build_optim_wrapper
from mmengine.registry import PARAM_SCHEDULERS, DefaultScope
from mmpretrain.models import VisionTransformer
from mmseg.registry import MODELS, TRANSFORMS

from univ_mm.models import UNIVVisionTransformer

SEG = Path('configs/seg')
CONFIGS = one_camera_configs(SEG, '*vit-b*.py')
TWINS = one_camera_configs(SEG / 'baselines', '*vit-b*.py')
NAME = re.compile(r'(?P<algo>upernet-llfpn|upernet|linear-probe)_'
                  r'(?P<init>[a-z]+)-vit-b_(?P<gpus>\d)xb(?P<batch>\d)-'
                  r'(?P<schedule>[\d.]+k)_(?P<data>[a-z-]+)-512x512\.py')
THERMAL, MSRS_IR = (96.9255, 47.8976), (136.12, 64.23)
IMAGENET = ([123.675, 116.28, 103.53], [58.395, 57.12, 57.375])
#: data: classes, iterations, warm-up, mIoU interval, checkpoint interval,
#: (GPUs, images per GPU), seed, deterministic, (mean, std) or ImageNet
PROTOCOL = {
    'mfnet-t': (9, 9800, 1000, 700, 4900, (2, 4), 0, False, THERMAL),
    'soda': (21, 14400, 1500, 800, 5000, (2, 4), 0, False, THERMAL),
    'scut-seg': (10, 16800, 1700, 800, 8400, (2, 4), 0, False, THERMAL),
    'mfnet-rgb': (9, 9800, 1000, 700, 4900, (2, 4), 0, False, None),
    'msrs-ir': (9, 48000, 1500, 2400, 2400, (4, 2), 24, True, MSRS_IR),
    'msrs-rgb': (9, 48000, 1500, 2400, 2400, (4, 2), 24, True, None),
}
#: algo, UNIP-style data?: out_indices, layer decay (None: plain AdamW)
ALGO = {
    ('upernet-llfpn', True): ((11, 11, 11, 11), 0.85),
    ('upernet', True): ((3, 5, 7, 11), 0.65),
    ('upernet', False): ((3, 5, 7, 11), 0.75),
    ('linear-probe', True): ((3, 5, 7, 11), None),
    ('linear-probe', False): ((3, 5, 7, 11), None),
}
TRAIN_STEPS = ['LoadImageFromFile', 'LoadAnnotations', 'RandomResize',
               'RandomCrop', 'RandomFlip', 'PhotoMetricDistortion',
               'PackSegInputs']


def build(model_cfg: dict) -> torch.nn.Module:
    with DefaultScope.overwrite_default_scope('mmseg'):
        return MODELS.build(model_cfg)


def test_each_protocol_has_its_configs():
    parsed = [NAME.fullmatch(p.name) for p in CONFIGS]
    assert all(parsed), [p.name for p in CONFIGS]
    found = sorted((m['algo'], m['data']) for m in parsed)
    unip = [d for d in PROTOCOL if not d.startswith('msrs')]
    expected = [(algo, data) for algo in ('upernet-llfpn', 'upernet',
                                          'linear-probe') for data in unip]
    expected += [(algo, data) for algo in ('upernet', 'linear-probe')
                 for data in ('msrs-ir', 'msrs-rgb')]
    assert found == sorted(expected)


def check_schedule(cfg: Config, name: re.Match) -> None:
    """Iterations, warm-up, intervals, batch, seed of the name's data."""
    (_, iters, warmup, val_every, save_every, (gpus, batch), seed,
     deterministic, _) = PROTOCOL[name['data']]
    assert (int(name['gpus']), int(name['batch'])) == (gpus, batch)
    assert name['schedule'] == f'{iters / 1000:g}k'
    linear, poly = cfg.param_scheduler
    assert (linear.type, linear.start_factor, linear.begin, linear.end) == (
        'LinearLR', 1e-6, 0, warmup + 1)
    assert (poly.type, poly.begin, poly.end, poly.power, poly.eta_min) == (
        'PolyLR', 0, iters + 1, 1.0, 0.0)
    assert (cfg.train_cfg.max_iters, cfg.train_cfg.val_interval) == (
        iters, val_every)
    assert cfg.default_hooks.checkpoint.interval == save_every
    assert cfg.train_dataloader.batch_size == batch
    assert cfg.auto_scale_lr == dict(enable=False,
                                     base_batch_size=gpus * batch)
    # the release's --deterministic is cuDNN's flags (MMCV 1.x): no
    # benchmark; MMEngine's deterministic mode would stop UperNet on CUDA
    assert cfg.randomness == dict(seed=seed, deterministic=False)
    assert cfg.env_cfg.cudnn_benchmark is not deterministic


def check_optimizer(cfg: Config, decay: float | None) -> None:
    optim = cfg.optim_wrapper
    assert optim.type == 'AmpOptimWrapper'
    assert optim.optimizer == dict(type='AdamW', lr=1e-4, betas=(0.9, 0.999),
                                   weight_decay=0.05)
    if decay is None:  # UNIP's linear probe: plain AdamW
        assert 'constructor' not in optim and 'paramwise_cfg' not in optim
    else:
        assert optim.constructor == 'univ_mm.LayerDecayOptimWrapperConstructor'
        assert optim.paramwise_cfg == dict(layer_decay_rate=decay,
                                           flat_decay_mult=0.0)


def check_data(cfg: Config, data: str) -> None:
    """Pipeline steps, normalisation and the splits each loader reads."""
    assert [t.type for t in cfg.train_pipeline] == TRAIN_STEPS
    resize, crop, flip = cfg.train_pipeline[2:5]
    assert (resize.scale, resize.ratio_range, resize.keep_ratio) == (
        (2048, 512), (0.5, 2.0), True)
    assert (crop.crop_size, crop.cat_max_ratio) == ((512, 512), 0.75)
    assert flip.prob == 0.5
    stats = PROTOCOL[data][-1]
    preprocessor = cfg.model.data_preprocessor
    assert (preprocessor.mean, preprocessor.std) == (
        ([stats[0]] * 3, [stats[1]] * 3) if stats else IMAGENET)
    val, test = cfg.val_dataloader.dataset, cfg.test_dataloader.dataset
    assert test.data_prefix.img_path == (
        'img_dir/val' if data == 'scut-seg' else 'img_dir/test')
    if data.startswith('mfnet'):  # UNIP's val_test.txt: val, then test
        assert val.type == 'ConcatDataset'
        assert [d.data_prefix.img_path for d in val.datasets] == [
            'img_dir/val', 'img_dir/test']
        assert {d.data_root for d in val.datasets} == {test.data_root}
    else:
        assert val == test


@pytest.mark.parametrize('path', CONFIGS, ids=lambda p: p.stem)
def test_config_builds_with_its_protocol(path):
    cfg = Config.fromfile(path)
    name = NAME.fullmatch(path.name)
    unip = not name['data'].startswith('msrs')
    out_indices, decay = ALGO[name['algo'], unip]
    check_schedule(cfg, name)
    check_optimizer(cfg, decay)
    check_data(cfg, name['data'])
    assert cfg.model.test_cfg == dict(mode='slide', crop_size=(512, 512),
                                      stride=(341, 341))
    backbone = cfg.model.backbone
    assert (backbone.type, backbone.arch, backbone.out_indices,
            backbone.final_norm) == ('univ_mm.UNIVVisionTransformer', 'b',
                                     out_indices, False)
    if name['algo'] != 'linear-probe':
        assert backbone.drop_path_rate == (0.1 if unip else 0.2)
    model = build(cfg.model)  # no init_weights: nothing is read
    with DefaultScope.overwrite_default_scope('mmseg'):
        for transform in cfg.train_pipeline + cfg.test_pipeline:
            TRANSFORMS.build(transform)
    assert model.decode_head.num_classes == PROTOCOL[name['data']][0]
    if name['algo'] == 'linear-probe':
        trainable = [n for n, p in model.named_parameters()
                     if p.requires_grad]
        assert trainable == ['decode_head.conv_seg.weight',
                             'decode_head.conv_seg.bias']
        assert model.decode_head.conv_seg.in_channels == 4 * 768
        assert model.decode_head.dropout is None
        assert not model.with_neck and not model.with_auxiliary_head
    else:
        assert all(p.requires_grad for p in model.parameters())
        assert model.neck.rescales == [4, 2, 1, 0.5]
        assert model.auxiliary_head.in_index == 2
        assert model.auxiliary_head.loss_decode.loss_weight == 0.4


@pytest.mark.parametrize('path', TWINS, ids=lambda p: p.stem)
def test_baseline_twin_differs_only_in_the_backbone_init(path):
    assert_only_init_differs(path, SEG / re.sub(
        r'_[a-z]+-vit-b_', '_univ-vit-b_', path.name))


def mmcv_poly_lr(t: int, iters: int, warmup: int, ratio: float = 1e-6
                 ) -> float:
    """MMCV 1.x's lr at iteration ``t`` of ``policy='poly'`` (power 1,
    min_lr 0) with ``warmup='linear'``: the poly value from iteration 0,
    scaled by the warm-up factor while ``t < warmup``."""
    poly = 1e-4 * (1 - t / iters)
    if t >= warmup:
        return poly
    return poly * (1 - (1 - t / warmup) * (1 - ratio))


def lr_curve(cfg: Config, iters: int) -> np.ndarray:
    """The lr of each iteration under the config's schedulers."""
    param = torch.nn.Parameter(torch.zeros(1))
    optimizer = torch.optim.AdamW([param], lr=1e-4)
    schedulers = [PARAM_SCHEDULERS.build(dict(s, optimizer=optimizer))
                  for s in cfg.param_scheduler]
    curve = []
    for _ in range(iters):
        curve.append(optimizer.param_groups[0]['lr'])
        for scheduler in schedulers:
            scheduler.step()
    return np.array(curve)


def test_poly_lr_counts_from_iteration_0_as_mmcv_does():
    iters, warmup = 9800, 1000
    cfg = Config.fromfile(SEG / 'linear-probe_univ-vit-b_2xb4-9.8k_'
                                'mfnet-t-512x512.py')
    curve = lr_curve(cfg, iters)
    expected = np.array([mmcv_poly_lr(t, iters, warmup)
                         for t in range(iters)])
    np.testing.assert_allclose(curve, expected, rtol=1e-9, atol=1e-16)
    # by hand: half-way through the warm-up, and the last iteration
    assert curve[500] == pytest.approx(1e-4 * (1 - 500 / 9800) *
                                       (1e-6 + (1 - 1e-6) * 0.5))
    assert curve[-1] == pytest.approx(1e-4 / 9800)


def test_layer_decay_and_weight_decay_follow_the_beit_constructor():
    cfg = Config.fromfile(SEG / 'upernet-llfpn_univ-vit-b_2xb4-14.4k_'
                                'soda-512x512.py')
    model = build(cfg.model)
    wrapper = build_optim_wrapper(
        model, dict(cfg.optim_wrapper, type='OptimWrapper'))
    groups = {id(p): group for group in wrapper.optimizer.param_groups
              for p in group['params']}
    named = dict(model.named_parameters())
    assert groups.keys() == {id(p) for p in named.values()}
    for name, param in named.items():
        depth, total = model.backbone.get_layer_depth(name, 'backbone.')
        group = groups[id(param)]
        assert group['lr'] == pytest.approx(1e-4 * 0.85**(total - depth
                                                          - 1)), name
        # none on 1-D tensors (biases, norms); pos_embed, cls_token decayed
        assert group['weight_decay'] == (0.0 if param.ndim == 1 else
                                         0.05), name
    assert groups[id(named['backbone.pos_embed'])]['weight_decay'] == 0.05
    blocks = [groups[id(named[f'backbone.layers.{i}.attn.qkv.weight'])]['lr']
              for i in range(12)]
    assert blocks == sorted(blocks) and blocks[-1] == pytest.approx(0.85e-4)
    assert groups[id(named['decode_head.conv_seg.weight'])]['lr'] == 1e-4


def test_linear_probe_decays_every_head_weight_at_one_lr():
    cfg = Config.fromfile(SEG / 'linear-probe_univ-vit-b_2xb4-14.4k_'
                                'soda-512x512.py')
    model = build(cfg.model)
    wrapper = build_optim_wrapper(
        model, dict(cfg.optim_wrapper, type='OptimWrapper'))
    head = {id(model.decode_head.conv_seg.weight),
            id(model.decode_head.conv_seg.bias)}
    for group in wrapper.optimizer.param_groups:
        if head & {id(p) for p in group['params']}:
            assert (group['lr'], group['weight_decay']) == (1e-4, 0.05)


def test_raw_outputs_and_a_repeated_layer():
    """``final_norm=False`` gives MMPretrain's un-normed block outputs;
    a layer listed four times comes back four times."""
    kwargs = dict(arch=TINY_ARCH, img_size=32, out_type='featmap',
                  final_norm=False)
    ours = UNIVVisionTransformer(out_indices=(1, 1, 1, 1), **kwargs).eval()
    plain = VisionTransformer(out_indices=(0, 1), **kwargs)
    plain.load_state_dict(ours.state_dict())
    plain.eval()
    image = torch.rand(1, 3, 32, 32)
    with torch.no_grad():
        outputs, reference = ours(image), plain(image)
    assert len(outputs) == 4
    for output in outputs:
        torch.testing.assert_close(output, reference[1])
    normed = UNIVVisionTransformer(out_indices=(1, ), **{
        **kwargs, 'final_norm': True}).eval()
    normed.load_state_dict(ours.state_dict(), strict=False)
    with torch.no_grad():
        assert not torch.allclose(normed(image)[0], reference[1])


def test_pyramid_has_strides_4_8_16_32(shrink_config, tmp_path):
    cfg = Config.fromfile(SEG / 'upernet_univ-vit-b_4xb2-48k_msrs-ir-'
                                '512x512.py')
    cfg = shrink_config(cfg, tmp_path, tmp_path)
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
    cfg = Config.fromfile(SEG / 'upernet_univ-vit-b_4xb2-48k_msrs-ir-'
                                '512x512.py')
    cfg = shrink_config(cfg, tmp_path, tmp_path, checkpoint)
    if prefix:
        cfg.merge_from_dict({'model.backbone.init_cfg.prefix': prefix})
    model = build(cfg.model)
    model.init_weights()
    loaded = model.backbone.state_dict()
    # the export's final norm has no place in a final_norm=False backbone
    assert loaded.keys() == {k for k in state if not k.startswith('ln1.')}
    for key, value in loaded.items():
        torch.testing.assert_close(value, state[key], msg=key)
