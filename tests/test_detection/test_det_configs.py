"""Every detection config loads and builds with PAD's protocol.

The expected values are PAD's (casiatao/PAD detection/projects/ViTDet/
configs/FLIR/mask_rcnn_vitdet_b_12ep_step.py, docs/DETECTION.md) over
detectron2's ViTDet configs (configs/common/{optim,train}.py,
models/mask_rcnn_vitdet.py, projects/ViTDet/configs/common/
coco_loader_lsj.py).
"""
import re
from functools import cache
from pathlib import Path

import numpy as np
import pytest
import torch
from helpers import TINY_ARCH, assert_only_init_differs, one_camera_configs
from mmdet.registry import MODELS, TRANSFORMS
from mmdet.structures.bbox import HorizontalBoxes
from mmengine.config import Config
from mmengine.optim import build_optim_wrapper
from mmengine.registry import PARAM_SCHEDULERS, DefaultScope

DET = Path('configs/det')
CONFIGS = one_camera_configs(DET, '*vit-b*.py')
TWINS = one_camera_configs(DET / 'baselines', '*vit-b*.py')
FLIR = DET / 'faster-rcnn_univ-vit-b-p16-sfp_1xb2-53k_flir-ir-1024.py'
NAME = re.compile(r'faster-rcnn_univ-vit-b-p16-sfp_1xb2-(53k|12e)_'
                  r'(flir-ir|(flir-aligned|m3fd|llvip)-(ir|rgb))-1024\.py')
THERMAL, RGB = ([96.9255] * 3, [47.8976] * 3), (
    [123.675, 116.28, 103.53], [58.395, 57.12, 57.375])
TRAIN_STEPS = ['LoadImageFromFile', 'LoadAnnotations', 'RandomFlip',
               'RandomResize', 'RandomCrop', 'FilterAnnotations',
               'PackDetInputs']


@cache
def load(path: Path) -> Config:
    """Parse a config once per session (callers must not modify it)."""
    return Config.fromfile(path)


@pytest.fixture(autouse=True)
def mmdet_scope():
    """Build inside MMDetection's scope, as its runner does."""
    with DefaultScope.overwrite_default_scope('mmdet'):
        yield


def test_seven_datasets_and_their_twins():
    assert len(CONFIGS) == 7 and all(NAME.fullmatch(p.name)
                                     for p in CONFIGS)
    assert [p.name for p in CONFIGS if '53k' in p.name] == [FLIR.name]
    inits = sorted(p.name.split('_')[1] for p in TWINS)
    assert inits == sorted(
        [f'{m}-vit-b-p16-sfp' for m in ('deit', 'dino', 'ibot', 'unip')]
        + ['mae-vit-b-p16-sfp'] * 7)


def check_recipe(cfg: Config) -> None:
    """PAD's optimiser, batch and input pipeline."""
    optim = cfg.optim_wrapper
    assert optim.type == 'AmpOptimWrapper'
    assert optim.optimizer == dict(type='AdamW', lr=1e-4, betas=(0.9, 0.999),
                                   weight_decay=0.1)
    assert optim.paramwise_cfg.layer_decay_rate == 0.7
    assert cfg.train_dataloader.batch_size == 2
    assert cfg.auto_scale_lr == dict(enable=False, base_batch_size=2)
    assert cfg.randomness == dict(seed=42, diff_rank_seed=True)
    warmup = cfg.param_scheduler[0]
    assert (warmup.type, warmup.start_factor, warmup.end) == (
        'LinearLR', 0.001, 251)
    pipeline = cfg.train_dataloader.dataset.pipeline
    assert [t.type for t in pipeline] == TRAIN_STEPS
    flip, resize, crop = pipeline[2:5]
    assert flip.prob == 0.5
    assert (resize.scale, resize.ratio_range) == ((1024, 1024), (0.1, 2.0))
    assert (crop.crop_size, crop.crop_type) == ((1024, 1024),
                                                'absolute_range')
    assert cfg.model.data_preprocessor.pad_size_divisor == 1024
    backbone = cfg.model.backbone
    assert (backbone.with_cls_token, backbone.final_norm,
            backbone.drop_path_rate, backbone.out_indices) == (
                False, False, 0.1, -1)


def test_flir_is_pads_iteration_schedule():
    cfg = load(FLIR)
    assert (cfg.train_cfg.type, cfg.train_cfg.max_iters,
            cfg.train_cfg.val_interval) == ('IterBasedTrainLoop', 53172,
                                            1000)
    steps = cfg.param_scheduler[1]
    assert (steps.type, steps.by_epoch, steps.milestones, steps.gamma) == (
        'MultiStepLR', False, [35448, 48741], 0.1)
    assert (cfg.default_hooks.checkpoint.interval,
            cfg.default_hooks.checkpoint.max_keep_ckpts) == (10000, 1)
    assert cfg.model.data_preprocessor.mean == THERMAL[0]
    assert cfg.model.data_preprocessor.std == THERMAL[1]


def test_warmup_and_steps_give_detectron2s_lr():
    """detectron2: lr x (0.001 + 0.999 t / 250) for t < 250, then x 1,
    x 0.1 from 35,448 and x 0.01 from 48,741."""
    param = torch.nn.Parameter(torch.zeros(1))
    optimizer = torch.optim.AdamW([param], lr=1e-4)
    schedulers = [PARAM_SCHEDULERS.build(dict(s, optimizer=optimizer))
                  for s in load(FLIR).param_scheduler]
    curve = []
    for _ in range(53172):
        curve.append(optimizer.param_groups[0]['lr'])
        for scheduler in schedulers:
            scheduler.step()
    t = np.arange(53172)
    factor = np.where(t < 250, 0.001 + 0.999 * t / 250, 1.0)
    factor *= np.select([t >= 48741, t >= 35448], [0.01, 0.1], 1.0)
    np.testing.assert_allclose(curve, 1e-4 * factor, rtol=1e-9)


@pytest.mark.parametrize('path', CONFIGS, ids=lambda p: p.stem)
def test_config_loads_and_builds(path):
    cfg = load(path)
    check_recipe(cfg)
    if path != FLIR:
        assert cfg.train_cfg == dict(type='EpochBasedTrainLoop',
                                     max_epochs=12, val_interval=1)
        assert cfg.param_scheduler[1].milestones == [8, 11]
    classes = cfg.train_dataloader.dataset.metainfo.classes
    assert cfg.model.roi_head.bbox_head.num_classes == len(classes)
    test_set = cfg.test_dataloader.dataset
    assert test_set.metainfo.classes == classes
    assert cfg.test_evaluator.ann_file == test_set.data_root + \
        test_set.ann_file
    assert cfg.test_evaluator.classwise and cfg.test_evaluator.metric == 'bbox'
    modality = 'rgb' if path.stem.endswith('rgb-1024') else 'ir'
    assert f'/{modality}_' in test_set.ann_file
    mean, std = RGB if modality == 'rgb' else THERMAL
    assert cfg.model.data_preprocessor.mean == mean
    assert cfg.model.data_preprocessor.std == std
    model = MODELS.build(cfg.model)  # no init_weights: nothing downloads
    assert type(model.backbone).__name__ == 'UNIVVisionTransformer'
    assert model.backbone.num_layers == 12 and model.backbone.cls_token is None
    for transform in [*test_set.pipeline,
                      *cfg.train_dataloader.dataset.pipeline]:
        TRANSFORMS.build(transform)


@pytest.mark.parametrize('path', TWINS, ids=lambda p: p.stem)
def test_twin_differs_only_in_the_backbone_init(path):
    assert_only_init_differs(path, DET / re.sub(
        r'_[a-z]+-vit-b-p16', '_univ-vit-b-p16', path.name))


def test_decay_follows_detectron2():
    """lr x 0.7 ** (13 - depth); no weight decay on the ViT's LayerNorms and
    pos_embed only (biases and the channel LayerNorms of neck and heads are
    decayed, as detectron2's optimiser builder does)."""
    cfg = load(FLIR)
    model = MODELS.build(cfg.model)
    optimizer = build_optim_wrapper(
        model, dict(cfg.optim_wrapper, type='OptimWrapper')).optimizer
    names = {id(p): n for n, p in model.named_parameters()}
    for group in optimizer.param_groups:
        name = names[id(group['params'][0])]
        depth, num_depths = model.backbone.get_layer_depth(name, 'backbone.')
        assert group['lr'] == pytest.approx(
            1e-4 * 0.7**(num_depths - depth - 1)), name
        module = model.get_submodule(name.rpartition('.')[0])
        vit_norm = name.startswith('backbone.') and isinstance(
            module, torch.nn.LayerNorm)
        no_decay = vit_norm or name == 'backbone.pos_embed'
        assert (group['weight_decay'] == 0) == no_decay, name
    assert len(optimizer.param_groups) == len(names)


def test_large_scale_jitter_resizes_then_crops_to_1024():
    steps = [TRANSFORMS.build(t)
             for t in load(FLIR).train_dataloader.dataset.pipeline[2:5]]
    shapes = set()
    for seed in range(16):
        np.random.seed(seed)
        results = dict(
            img=np.zeros((512, 640, 3), np.uint8), img_shape=(512, 640),
            gt_bboxes=HorizontalBoxes(torch.tensor([[10., 10., 600., 500.]])),
            gt_bboxes_labels=np.zeros(1, np.int64),
            gt_ignore_flags=np.zeros(1, bool))
        for step in steps:
            results = step(results)
        shapes.add(results['img'].shape[:2])
    assert len(shapes) > 4 and max(max(s) for s in shapes) == 1024
    assert min(min(s) for s in shapes) < 512  # scales below 1 are drawn


def test_univ_export_loads_without_its_class_token(tmp_path):
    """A UNIV export (class token, 1 + 14 x 14 positions, final norm) loads
    into ViTDet's layout: the class position is dropped, as detectron2 does
    with pretrain_use_cls_token, and the final norm is left out."""
    export = MODELS.build(dict(type='univ_mm.UNIVVisionTransformer',
                               arch=TINY_ARCH, img_size=224)).state_dict()
    checkpoint = tmp_path / 'univ_backbone.pth'
    torch.save(dict(state_dict=export), checkpoint)
    backbone = MODELS.build(dict(
        load(FLIR).model.backbone, arch=TINY_ARCH,
        init_cfg=dict(type='Pretrained', checkpoint=str(checkpoint))))
    backbone.init_weights()
    loaded = backbone.state_dict()
    assert backbone.cls_token is None and 'ln1.weight' not in loaded
    torch.testing.assert_close(loaded['pos_embed'],
                               export['pos_embed'][:, 1:])
    for key, value in loaded.items():
        if key != 'pos_embed':
            torch.testing.assert_close(value, export[key], msg=key)
