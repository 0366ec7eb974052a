"""Each config's detector trains and evaluates on CPU, shrunk by overrides.

The overrides are what ``--cfg-options`` would pass: a 2-block ViT, thin
neck and heads, 64-pixel images, converted synthetic data, no pretrained
checkpoint and the plain optimiser wrapper (AMP needs a GPU).
"""
import math
import os
import subprocess
import sys
from pathlib import Path

import cv2
import pytest
import torch
from helpers import one_camera_configs
from mmdet.registry import MODELS
from mmengine.config import Config
from mmengine.registry import DefaultScope
from mmengine.runner import Runner

from univ_mm.apis import detect_image
from univ_mm.checkpoint.safe_io import (
    load_checkpoint_safely,
    save_atomically,
    save_merged_backbone,
)
from univ_mm.utils.weights_check import PartialCheckpointError

#: Runs training or a tool end to end: see ``make test-fast``.
pytestmark = pytest.mark.slow

CONFIGS = one_camera_configs(Path('configs/det'), '*vit-b*.py')
TINY_MODEL = {
    'model.backbone.arch': dict(_delete_=True, embed_dims=32, num_layers=2,
                                num_heads=2, feedforward_channels=64),
    'model.backbone.init_cfg': None,
    'model.neck.in_channels': 32,
    'model.neck.out_channels': 16,
    'model.rpn_head.in_channels': 16,
    'model.rpn_head.feat_channels': 16,
    'model.roi_head.bbox_roi_extractor.out_channels': 16,
    'model.roi_head.bbox_head.in_channels': 16,
    'model.roi_head.bbox_head.conv_out_channels': 16,
    'model.roi_head.bbox_head.fc_out_channels': 32,
    'model.train_cfg.rpn_proposal.max_per_img': 100,
    'model.train_cfg.rcnn.sampler.num': 64,
    'model.test_cfg.rpn.max_per_img': 100,
    'model.test_cfg.rcnn.score_thr': 0.0,
}


def data_name(path: Path) -> str:
    """``m3fd-ir`` for ``..._m3fd-ir-1024.py``."""
    return path.stem.split('_')[-1].rsplit('-', 1)[0]


def shrink(path: Path, data_root: Path, work_dir: Path,
           save: bool = False) -> Config:
    """The config at ``path``, tiny, on ``data_root``, one CPU epoch (two
    iterations for an iteration-based schedule).

    Validation is left to the caller; checkpoints are saved if ``save``.
    """
    cfg = Config.fromfile(path)
    options = dict(TINY_MODEL)
    for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        options.update({f'{loader}.dataset.data_root': f'{data_root}/',
                        f'{loader}.num_workers': 0,
                        f'{loader}.persistent_workers': False})
    ann_file = cfg.val_dataloader.dataset.ann_file
    for evaluator in ('val_evaluator', 'test_evaluator'):
        options[f'{evaluator}.ann_file'] = str(data_root / ann_file)
    by_iteration = cfg.train_cfg.type == 'IterBasedTrainLoop'
    options.update({
        'model.data_preprocessor.pad_size_divisor': 32,
        'train_dataloader.dataset.pipeline.3.scale': (64, 64),
        'train_dataloader.dataset.pipeline.4.crop_size': (64, 64),
        'val_dataloader.dataset.pipeline.1.scale': (64, 64),
        'test_dataloader.dataset.pipeline.1.scale': (64, 64),
        'optim_wrapper.type': 'OptimWrapper',
        'train_cfg.max_iters' if by_iteration else 'train_cfg.max_epochs':
        2 if by_iteration else 1,
        'train_cfg.val_interval': 100,
        'default_hooks.checkpoint': dict(cfg.default_hooks.checkpoint,
                                         interval=2 if by_iteration else 1)
        if save else None,
        'default_hooks.logger.interval': 1, 'randomness': dict(seed=0),
        'work_dir': str(work_dir)})
    cfg.merge_from_dict(options)
    return cfg


@pytest.mark.parametrize('path', CONFIGS, ids=lambda p: p.stem)
def test_trains_and_reports_coco_ap(path, converted, tmp_path):
    cfg = shrink(path, converted[data_name(path)], tmp_path)
    with DefaultScope.overwrite_default_scope('mmdet'):
        runner = Runner.from_cfg(cfg)
        runner.train()
        metrics = runner.val()
    hub = runner.message_hub
    assert hub.get_info('iter') >= 1  # at least two iterations ran
    assert math.isfinite(hub.get_scalar('train/loss').current())
    for key in ('bbox_mAP', 'bbox_mAP_50', 'bbox_mAP_75'):
        assert -1 <= metrics[f'coco/{key}'] <= 1, key
    for name in cfg.val_dataloader.dataset.metainfo.classes:
        assert f'coco/{name}_precision' in metrics


@pytest.mark.parametrize('init', ['univ', 'mae'])
def test_backbone_starts_from_the_univ_export_or_the_teacher(init,
                                                             tmp_path):
    folder = Path('configs/det') / ('baselines' if init == 'mae' else '')
    cfg = Config.fromfile(
        one_camera_configs(folder, f'faster-rcnn_{init}-vit-b*.py')[0])
    cfg.merge_from_dict(
        {k: v for k, v in TINY_MODEL.items() if 'init_cfg' not in k})
    source = MODELS.build(dict(cfg.model.backbone, init_cfg=None)).state_dict()
    checkpoint = tmp_path / 'backbone.pth'
    if init == 'univ':  # plain names, as pre-training exports them
        save_merged_backbone(source, checkpoint)
    else:  # an MMPretrain model checkpoint: backbone.* (and a neck)
        torch.save(dict(state_dict={
            **{f'backbone.{k}': v for k, v in source.items()},
            'neck.weight': torch.ones(1)}), checkpoint)
    cfg.model.backbone.init_cfg.checkpoint = str(checkpoint)
    with DefaultScope.overwrite_default_scope('mmdet'):
        model = MODELS.build(cfg.model)
        model.init_weights()
    for key, value in model.backbone.state_dict().items():
        torch.testing.assert_close(value, source[key])


@pytest.fixture(scope='module')
def trained(converted, tmp_path_factory) -> tuple[Path, Path, Path]:
    """One tiny FLIR detector, trained: (its config, checkpoint, data).

    The shrunk config is written next to the checkpoint for the tools.
    """
    path = next(p for p in CONFIGS if data_name(p) == 'flir-ir')
    work_dir = tmp_path_factory.mktemp('flir')
    cfg = shrink(path, converted['flir-ir'], work_dir, save=True)
    with DefaultScope.overwrite_default_scope('mmdet'):
        Runner.from_cfg(cfg).train()
    cfg.dump(work_dir / 'tiny_flir.py')
    return work_dir / 'tiny_flir.py', work_dir / 'iter_2.pth', \
        converted['flir-ir']


def test_evaluator_gives_ap_1_for_the_ground_truth(trained):
    path, _, _ = trained
    with DefaultScope.overwrite_default_scope('mmdet'):
        runner = Runner.from_cfg(Config.fromfile(path))
        dataset = runner.test_dataloader.dataset
        evaluator = runner.test_evaluator
        evaluator.dataset_meta = dataset.metainfo
        for index in range(len(dataset)):
            sample = dataset[index]['data_samples']
            gt = sample.gt_instances  # loaded after Resize: image pixels
            pred = dict(bboxes=gt.bboxes.tensor, labels=gt.labels,
                        scores=gt.labels.new_ones(len(gt)).float())
            evaluator.process(
                [dict(img_id=sample.img_id, ori_shape=sample.ori_shape,
                      pred_instances=pred)])
        metrics = evaluator.evaluate(len(dataset))
    assert metrics['coco/bbox_mAP'] == pytest.approx(1.0)
    assert metrics['coco/person_precision'] == pytest.approx(1.0)


def test_inference_script_writes_the_drawn_image(trained, tmp_path):
    config, checkpoint, root = trained
    image = root / 'val/thermal_8_bit/FLIR_00000.jpeg'
    out = tmp_path / 'out.png'
    detect_image(image, str(config), str(checkpoint), out_file=out,
                 score_thr=0.0)
    drawn, source = cv2.imread(str(out)), cv2.imread(str(image))
    assert drawn.shape == source.shape and (drawn != source).any()


def test_inference_refuses_a_detector_whose_head_did_not_load(trained,
                                                             tmp_path):
    config, checkpoint, root = trained
    state = load_checkpoint_safely(checkpoint)
    state['state_dict'] = {k: v for k, v in state['state_dict'].items()
                           if not k.startswith('roi_head.')}
    partial = save_atomically(state, tmp_path / 'partial.pth')
    out = tmp_path / 'out.png'
    with pytest.raises(PartialCheckpointError, match='missing: roi_head'):
        detect_image(root / 'val/thermal_8_bit/FLIR_00000.jpeg',
                     str(config), str(partial), out_file=out)
    assert not out.exists()


def test_test_tool_prints_coco_ap(trained):
    config, checkpoint, root = trained
    result = subprocess.run(
        [sys.executable, 'tools/test.py', str(config), str(checkpoint),
         '--work-dir', str(root / 'test_work')],
        capture_output=True, text=True, env=dict(os.environ,
                                                 OMP_NUM_THREADS='1'))
    assert result.returncode == 0, result.stderr[-3000:]
    assert "'coco/bbox_mAP':" in result.stdout
    assert "'coco/car_precision':" in result.stdout
