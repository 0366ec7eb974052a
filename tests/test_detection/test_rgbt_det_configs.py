"""Each RGB-T detection config is its single-camera source config on both
cameras; its baseline twins differ only in the shared backbone's init; the
LLVIP one trains, evaluates with a camera lost and runs mmdet's inference
API on CPU."""
import copy
import json
import os
import re
from pathlib import Path

import cv2
import numpy as np
import pytest
import torch
from mmdet.apis import inference_detector, init_detector
from mmengine.config import Config
from mmengine.registry import DefaultScope
from mmengine.runner import Runner
from rgbt_configs import (
    assert_wraps_the_source_backbone,
    load_pair,
    lr_and_decay,
    source_of,
)
from test_train_eval import shrink

from univ_mm.apis import detect_image

DET = Path('configs/det')
RGBT_CONFIGS = sorted(DET.glob('*-rgbt-*.py'))
TWINS = sorted((DET / 'baselines').glob('*-rgbt-*.py'))
LLVIP = DET / 'faster-rcnn_univ-vit-b-p16-sfp_1xb2-12e_llvip-rgbt-1024.py'
IMAGENET = dict(mean=[123.675, 116.28, 103.53], std=[58.395, 57.12, 57.375])
#: FLIR's thermal statistics, for the RGB-sourced FLIR-aligned config.
FLIR_IR = 'configs/det/_base_/datasets/flir-ir.py'
#: Module-level helper variables of the configs, which the Runner never
#: reads; every other top-level key is compared.
HELPERS = {'normalisation', 'rgbt_fusion', 'rgbt_loading', 'data_root',
           'dataset_type', 'data_cfg', 'train_pipeline', 'test_pipeline'}
LOADERS = ('train_dataloader', 'val_dataloader', 'test_dataloader')
EVALUATORS = ('val_evaluator', 'test_evaluator')


def rgbt_ann_file(source: str) -> str:
    """``.../ir_val.json`` or ``.../rgb_val.json`` -> ``.../rgbt_val.json``
    (the same split)."""
    rgbt, count = re.subn(r'(^|/)(ir|rgb)_(\w+)\.json$', r'\1rgbt_\3.json',
                          source)
    assert count == 1, source
    return rgbt


def test_every_rgbt_config_is_covered():
    assert [p.name.split('_')[-1] for p in RGBT_CONFIGS] == [
        'flir-aligned-rgbt-1024.py', 'llvip-rgbt-1024.py',
        'm3fd-rgbt-1024.py']
    assert [p.name.split('_')[-1] for p in TWINS] == [
        p.name.split('_')[-1] for p in RGBT_CONFIGS]
    for path in RGBT_CONFIGS:
        source = source_of(path)
        assert source.is_file() and '-rgbt-' not in source.name


@pytest.mark.parametrize('path', RGBT_CONFIGS, ids=lambda p: p.stem)
def test_config_equals_its_source_but_for_the_rgbt_parts(path):
    rgbt, source = copy.deepcopy(load_pair(path))
    assert set(rgbt) - HELPERS == set(source) - HELPERS
    # the backbone wrapped (its fields: the next test)
    rgbt['model']['backbone'] = rgbt['model']['backbone']['backbone']
    # the preprocessor's type and statistics (the test after)
    for key in ('type', 'rgb_mean', 'rgb_std', 'ir_mean', 'ir_std'):
        rgbt['model']['data_preprocessor'].pop(key)
    for key in ('type', 'mean', 'std'):
        source['model']['data_preprocessor'].pop(key)
    # the datasets' type, annotations and pipelines (the tests below)
    for cfg in (rgbt, source):
        for loader in LOADERS:
            for key in ('type', 'ann_file', 'pipeline'):
                cfg[loader]['dataset'].pop(key)
        for evaluator in EVALUATORS:
            cfg[evaluator].pop('ann_file')
        for key in HELPERS:
            cfg.pop(key, None)
    assert rgbt == source


@pytest.mark.parametrize('path', RGBT_CONFIGS, ids=lambda p: p.stem)
def test_backbone_is_the_source_backbone_wrapped(path):
    outer = assert_wraps_the_source_backbone(path)
    rgbt, _ = load_pair(path)
    assert outer['channels'] == (rgbt['model']['neck']['in_channels'], )


@pytest.mark.parametrize('path', RGBT_CONFIGS, ids=lambda p: p.stem)
def test_preprocessor_keeps_the_source_statistics_of_its_camera(path):
    rgbt, source = load_pair(path)
    ours, theirs = rgbt['model']['data_preprocessor'], source['model'][
        'data_preprocessor']
    assert ours['type'] == 'univ_mm.RGBTDetDataPreProcessor'
    assert theirs['type'] == 'DetDataPreprocessor'
    rgb = (ours['rgb_mean'], ours['rgb_std'])
    ir = (ours['ir_mean'], ours['ir_std'])
    assert rgb == (IMAGENET['mean'], IMAGENET['std'])
    if source_of(path).stem.endswith('-rgb-1024'):
        assert rgb == (theirs['mean'], theirs['std'])
        flir_ir = Config.fromfile(FLIR_IR).normalisation
        assert ir == (flir_ir.mean, flir_ir.std)
    else:
        assert ir == (theirs['mean'], theirs['std'])
        assert theirs['mean'] != IMAGENET['mean']


@pytest.mark.parametrize('path', RGBT_CONFIGS, ids=lambda p: p.stem)
def test_datasets_read_the_rgbt_files_of_the_same_splits(path):
    rgbt, source = load_pair(path)
    for loader in LOADERS:
        ours, theirs = rgbt[loader]['dataset'], source[loader]['dataset']
        assert ours['type'] == 'univ_mm.RGBTCocoDataset'
        assert theirs['type'] == 'univ_mm.CheckedCocoDataset'
        assert ours['ann_file'] == rgbt_ann_file(theirs['ann_file'])
    for evaluator in EVALUATORS:
        assert rgbt[evaluator]['ann_file'] == rgbt_ann_file(
            source[evaluator]['ann_file'])
        assert rgbt[evaluator]['ann_file'] == rgbt['data_root'] + rgbt[
            'test_dataloader']['dataset']['ann_file']


@pytest.mark.parametrize('path', RGBT_CONFIGS, ids=lambda p: p.stem)
def test_pipelines_swap_the_loader_and_keep_the_thermal_path(path):
    rgbt, source = load_pair(path)
    train = source['train_dataloader']['dataset']['pipeline']
    assert train[0]['type'] == 'LoadImageFromFile'
    loader = dict(train[0], type='univ_mm.LoadRGBTImages')
    # no photometric transform to confine to one camera
    assert not any('PhotoMetric' in t['type'] for t in train)
    assert rgbt['train_dataloader']['dataset']['pipeline'] == [loader,
                                                               *train[1:]]
    for name in ('val_dataloader', 'test_dataloader'):
        test = source[name]['dataset']['pipeline']
        keys = list(test[-1]['meta_keys'])
        keys.insert(keys.index('img_path') + 1, 'ir_path')
        assert rgbt[name]['dataset']['pipeline'] == [
            loader, *test[1:-1], dict(test[-1], meta_keys=tuple(keys))]


@pytest.mark.parametrize('path', RGBT_CONFIGS, ids=lambda p: p.stem)
def test_shared_backbone_gets_the_source_layer_decay(path):
    rgbt, source = Config.fromfile(path), Config.fromfile(source_of(path))
    tiny = dict(init_cfg=None, arch=dict(
        embed_dims=32, num_layers=12, num_heads=2, feedforward_channels=64))
    theirs = lr_and_decay(source, dict(source.model.backbone, **tiny),
                          'mmdet')
    outer = rgbt.model.backbone
    ours = lr_and_decay(rgbt, dict(outer, backbone=dict(outer.backbone,
                                                        **tiny)), 'mmdet')
    inner = {k.replace('backbone.backbone.', 'backbone.', 1): v
             for k, v in ours.items() if k.startswith('backbone.backbone.')}
    assert inner == theirs
    assert len({lr for lr, _ in theirs.values()}) > 2  # the decay is on
    assert {wd for _, wd in theirs.values()} == {0.0, 0.1}  # custom keys
    rest = {lr for k, (lr, _) in ours.items()
            if not k.startswith('backbone.backbone.')}
    assert rest == {rgbt.optim_wrapper.optimizer.lr}  # fusers, tokens


@pytest.mark.parametrize('twin', TWINS, ids=lambda p: p.stem)
def test_twin_differs_only_in_the_shared_backbone_init(twin):
    named = re.search(r'twin of (\S+\.py)', twin.read_text()).group(1)
    univ = Path(os.path.normpath(twin.parent / named))
    assert univ in RGBT_CONFIGS
    inits = Config.fromfile('configs/seg/_base_/baseline_inits.py')
    theirs, ours = Config.fromfile(twin), Config.fromfile(univ)
    expected = dict(ours.model.backbone.backbone.init_cfg,
                    **inits.mae_vit_b)
    assert theirs.model.backbone.backbone.init_cfg == expected
    assert expected != ours.model.backbone.backbone.init_cfg
    theirs, ours = theirs.to_dict(), ours.to_dict()
    theirs['model']['backbone']['backbone'].pop('init_cfg')
    ours['model']['backbone']['backbone'].pop('init_cfg')
    assert {k: v for k, v in theirs.items() if k not in inits} == ours


def shrink_rgbt(path: Path, data_root: Path, work_dir: Path) -> Config:
    """``test_train_eval.shrink``, its backbone overrides moved from the
    wrapper to the shared backbone, the wrapper given the tiny channels."""
    cfg = shrink(path, data_root, work_dir, save=True)
    outer = cfg.model.backbone
    for key in ('arch', 'init_cfg'):  # what TINY_MODEL sets on a backbone
        outer.backbone[key] = outer.pop(key)
    outer.channels = (cfg.model.neck.in_channels, )
    return cfg


@pytest.fixture(scope='module')
def trained(converted, tmp_path_factory) -> tuple[Config, Runner, Path]:
    """The LLVIP RGB-T detector, tiny, trained one epoch (2 iterations):
    (its config, runner, data root)."""
    root = converted['llvip-ir']
    cfg = shrink_rgbt(LLVIP, root, tmp_path_factory.mktemp('llvip_rgbt'))
    with DefaultScope.overwrite_default_scope('mmdet'):
        runner = Runner.from_cfg(cfg)
        runner.train()
    return cfg, runner, root


def predictions(model, batch) -> tuple[torch.Tensor, torch.Tensor]:
    """Scores and boxes of the first image of ``batch``."""
    with torch.no_grad():
        pred = model.test_step(batch)[0].pred_instances
    return pred.scores, pred.bboxes


def same(a: tuple, b: tuple) -> bool:
    """Whether two (scores, boxes) predictions are equal."""
    return all(x.shape == y.shape and torch.allclose(x, y)
               for x, y in zip(a, b, strict=True))


@pytest.mark.slow
def test_trains_and_evaluates_fused_and_with_a_camera_lost(trained):
    cfg, runner, _ = trained
    assert runner.message_hub.get_info('iter') >= 1  # two iterations ran
    model = runner.model
    preds = {}
    # the runner's loops are built lazily, in the test's scope (univ_mm)
    with DefaultScope.overwrite_default_scope('mmdet'):
        batch = next(iter(runner.test_dataloader))
        assert batch['inputs'][0].shape[0] == 6
        for lost in (None, 'rgb', 'ir'):
            model.backbone.drop_modality = lost
            metrics = runner.test()
            assert -1 <= metrics['coco/bbox_mAP'] <= 1, lost
            preds[lost] = predictions(model, batch)
    model.backbone.drop_modality = None
    assert len(preds[None][0]) > 0
    assert not same(preds[None], preds['rgb'])
    assert not same(preds[None], preds['ir'])


@pytest.mark.slow
def test_inference_api_detects_on_a_pair(trained):
    cfg, _, root = trained
    coco = json.loads(
        (root / 'annotations_coco/rgbt_test.json').read_text())
    image = coco['images'][0]
    rgb = cv2.imread(str(root / image['file_name']))
    ir = cv2.imread(str(root / image['ir_file_name']))
    pair = np.concatenate([rgb, ir], axis=-1)
    assert pair.shape == (image['height'], image['width'], 6)
    with DefaultScope.overwrite_default_scope('mmdet'):
        model = init_detector(copy.deepcopy(cfg),
                              str(Path(cfg.work_dir) / 'epoch_1.pth'),
                              device='cpu')
        result = inference_detector(model, pair)
    assert tuple(result.ori_shape) == pair.shape[:2]
    pred = result.pred_instances
    assert len(pred) > 0 and pred.bboxes.shape[1] == 4
    assert torch.isfinite(pred.scores).all()


@pytest.mark.slow
def test_inference_tool_draws_on_both_images(trained, tmp_path):
    cfg, _, root = trained
    config = tmp_path / 'llvip_rgbt_tiny.py'
    cfg.dump(config)
    image = json.loads((root / 'annotations_coco/rgbt_test.json')
                       .read_text())['images'][0]
    out = tmp_path / 'out.png'
    with DefaultScope.overwrite_default_scope('mmdet'):
        detect_image(root / image['file_name'], str(config),
                     str(Path(cfg.work_dir) / 'epoch_1.pth'),
                     ir=root / image['ir_file_name'], out_file=out,
                     score_thr=0.0)
    for path in (out, tmp_path / 'out_ir.png'):
        assert cv2.imread(str(path)).shape == (image['height'],
                                               image['width'], 3)
