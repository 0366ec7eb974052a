"""Every detection config loads and builds; the recipe is the one stated."""
import re
from functools import cache
from pathlib import Path

import numpy as np
import pytest
import torch
from mmdet.registry import MODELS, TRANSFORMS
from mmdet.structures.bbox import HorizontalBoxes
from mmengine.config import Config
from mmengine.optim import build_optim_wrapper
from mmengine.registry import DefaultScope

CONFIGS = sorted(Path('configs/det').glob('*vit-b*.py'))
NAME = re.compile(r'faster-rcnn_(univ|mae)-vit-b-p16-sfp_8xb2-12e_'
                  r'(flir-ir|flir-aligned-rgb|(m3fd|llvip)-(ir|rgb))-1024\.py')
IR_MEAN, RGB_MEAN = [136.12] * 3, [123.675, 116.28, 103.53]


@cache
def load(path: Path) -> Config:
    """Parse a config once per session (callers must not modify it)."""
    return Config.fromfile(path)


@pytest.fixture(autouse=True)
def mmdet_scope():
    """Build inside MMDetection's scope, as its runner does."""
    with DefaultScope.overwrite_default_scope('mmdet'):
        yield


def test_all_twelve_configs_are_there():
    assert len(CONFIGS) == 12 and all(NAME.fullmatch(p.name)
                                      for p in CONFIGS)


@pytest.mark.parametrize('path', CONFIGS, ids=lambda p: p.stem)
def test_config_loads_and_builds(path):
    cfg = load(path)
    classes = cfg.train_dataloader.dataset.metainfo.classes
    assert cfg.model.roi_head.bbox_head.num_classes == len(classes)
    test_set = cfg.test_dataloader.dataset
    assert test_set.metainfo.classes == classes
    assert cfg.test_evaluator.ann_file == test_set.data_root + \
        test_set.ann_file
    assert cfg.test_evaluator.classwise and cfg.test_evaluator.metric == 'bbox'
    modality = 'rgb' if path.stem.endswith('rgb-1024') else 'ir'
    assert f'/{modality}_' in test_set.ann_file
    assert cfg.model.data_preprocessor.mean == (
        RGB_MEAN if modality == 'rgb' else IR_MEAN)
    init = cfg.model.backbone.init_cfg
    teacher = path.name.startswith('faster-rcnn_mae')
    assert ('mae_vit-base' in init.checkpoint) == teacher
    assert init.get('prefix') == ('backbone.' if teacher else None)
    assert cfg.optim_wrapper.type == 'AmpOptimWrapper'
    assert cfg.optim_wrapper.paramwise_cfg.layer_decay_rate == 0.7
    model = MODELS.build(cfg.model)  # no init_weights: nothing downloads
    assert type(model.backbone).__name__ == 'UNIVVisionTransformer'
    assert model.backbone.num_layers == 12
    for transform in [*test_set.pipeline,
                      *cfg.train_dataloader.dataset.pipeline]:
        TRANSFORMS.build(transform)


def test_teacher_configs_differ_only_in_the_backbone_init():
    for path in CONFIGS:
        if path.name.startswith('faster-rcnn_mae'):
            teacher = load(path).to_dict()
            univ = load(Path(str(path).replace('_mae-', '_univ-'))).to_dict()
            teacher['model']['backbone'].pop('init_cfg')
            univ['model']['backbone'].pop('init_cfg')
            assert teacher == univ


def test_layer_decay_follows_the_backbones_get_layer_depth():
    cfg = Config.fromfile(CONFIGS[0])
    cfg.optim_wrapper.type = 'OptimWrapper'  # AMP needs a GPU
    model = MODELS.build(cfg.model)
    optimizer = build_optim_wrapper(model, cfg.optim_wrapper).optimizer
    names = {id(p): n for n, p in model.named_parameters()}
    base_lr, rate = 1e-4, 0.7
    for group in optimizer.param_groups:
        name = names[id(group['params'][0])]
        depth, num_depths = model.backbone.get_layer_depth(name, 'backbone.')
        assert group['lr'] == pytest.approx(
            base_lr * rate**(num_depths - depth - 1)), name
        module = model.get_submodule(name.rpartition('.')[0])
        no_decay = isinstance(module, torch.nn.LayerNorm) or name.endswith(
            ('.bias', 'cls_token', 'pos_embed'))
        assert (group['weight_decay'] == 0) == no_decay, name
    assert len(optimizer.param_groups) == len(names)


def test_large_scale_jitter_is_the_random_resize_ratio_range():
    cfg = Config.fromfile(CONFIGS[0])
    cfg.merge_from_dict(
        {'train_dataloader.dataset.pipeline.2.ratio_range': (0.1, 2.0)})
    steps = [TRANSFORMS.build(t)
             for t in cfg.train_dataloader.dataset.pipeline[2:4]]
    shapes = set()
    for seed in range(8):
        np.random.seed(seed)
        results = dict(
            img=np.zeros((512, 640, 3), np.uint8), img_shape=(512, 640),
            gt_bboxes=HorizontalBoxes(torch.tensor([[10., 10., 600., 500.]])),
            gt_bboxes_labels=np.zeros(1, np.int64),
            gt_ignore_flags=np.zeros(1, bool))
        for step in steps:
            results = step(results)
        shapes.add(results['img'].shape[:2])
    assert len(shapes) > 4 and max(max(s) for s in shapes) <= 1024
