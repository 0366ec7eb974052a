"""Each RGB-T segmentation config is its single-camera source config on both
cameras; its baseline twins differ only in the shared backbone's init; the
MFNet one trains, evaluates with a camera lost and runs mmseg's inference
API on CPU."""
import copy
import os
import re
from pathlib import Path

import cv2
import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.registry import DefaultScope
from mmengine.runner import Runner
from mmseg.apis import inference_model, init_model
from mmseg.registry import MODELS
from PIL import Image
from rgbt_configs import (
    assert_wraps_the_source_backbone,
    load_pair,
    lr_and_decay,
    source_of,
)

from univ_mm.apis import segment_image

SEG = Path('configs/seg')
RGBT_CONFIGS = [
    SEG / 'upernet_univ-vit-b_2xb4-9.8k_mfnet-rgbt-512x512.py',
    SEG / 'upernet_univ-vit-b_4xb2-48k_msrs-rgbt-512x512.py',
    SEG / 'upernet_univ-convmae-b_4xb2-48k_msrs-rgbt-512x512.py',
]
TWINS = sorted((SEG / 'baselines').glob('*-rgbt-*.py'))
MFNET = RGBT_CONFIGS[0]
IMAGENET = dict(mean=[123.675, 116.28, 103.53], std=[58.395, 57.12, 57.375])
#: Module-level helper variables of the configs, which the Runner never
#: reads; every other top-level key is compared.
HELPERS = {'normalisation', 'rgbt_fusion', 'rgbt_loading', 'data_root',
           'dataset_type', 'rgbt_data_preprocessor', 'train_split',
           'val_split', 'test_split', 'train_pipeline', 'test_pipeline'}
LOADER = dict(type='univ_mm.LoadRGBTImages')


def datasets(cfg: dict) -> list[dict]:
    """Every dataset dict the loaders read (MFNet validates on a
    ``ConcatDataset`` of val and test)."""
    found = []
    for loader in ('train', 'val', 'test'):
        dataset = cfg[f'{loader}_dataloader']['dataset']
        found += dataset['datasets'] if dataset['type'] == 'ConcatDataset' \
            else [dataset]
    return found


def rgbt_pipeline(source: list[dict]) -> list[dict]:
    """``source`` with the RGB-T loader first and photometric distortion
    confined to the RGB channels."""
    return [LOADER, *(dict(type='univ_mm.PerModality', modality='rgb',
                           transforms=[t])
                      if t['type'] == 'PhotoMetricDistortion' else t
                      for t in source[1:])]


def test_every_rgbt_config_is_covered():
    found = sorted(SEG.glob('*-rgbt-*.py'))
    assert found == sorted(RGBT_CONFIGS)
    assert [p.name for p in TWINS] == [
        'upernet_convmae-b_4xb2-48k_msrs-rgbt-512x512.py',
        'upernet_mae-vit-b_2xb4-9.8k_mfnet-rgbt-512x512.py',
        'upernet_mae-vit-b_4xb2-48k_msrs-rgbt-512x512.py']
    for path in RGBT_CONFIGS:
        source = source_of(path)
        assert source.is_file() and '-rgbt-' not in source.name


@pytest.mark.parametrize('path', RGBT_CONFIGS, ids=lambda p: p.stem)
def test_config_equals_its_source_but_for_the_rgbt_parts(path):
    rgbt, source = load_pair(path)
    assert set(rgbt) - HELPERS == set(source) - HELPERS
    rgbt, source = copy.deepcopy(rgbt), copy.deepcopy(source)
    # the backbone wrapped (its fields: the next test)
    rgbt['model']['backbone'] = rgbt['model']['backbone']['backbone']
    # the preprocessor's type and statistics (the test after)
    for key in ('type', 'rgb_mean', 'rgb_std', 'ir_mean', 'ir_std'):
        rgbt['model']['data_preprocessor'].pop(key)
    for key in ('type', 'mean', 'std'):
        source['model']['data_preprocessor'].pop(key)
    # the datasets' type, roots and pipelines (the tests below)
    for dataset in [*datasets(rgbt), *datasets(source)]:
        for key in ('type', 'data_root', 'data_prefix', 'pipeline'):
            dataset.pop(key)
    for key in HELPERS:
        rgbt.pop(key, None)
        source.pop(key, None)
    assert rgbt == source


@pytest.mark.parametrize('path', RGBT_CONFIGS, ids=lambda p: p.stem)
def test_backbone_is_the_source_backbone_wrapped(path):
    outer = assert_wraps_the_source_backbone(path)
    rgbt, _ = load_pair(path)
    neck = rgbt['model']['neck']
    expected = tuple(rgbt['model']['decode_head']['in_channels']) \
        if neck is None else (neck['embed_dim'], ) * len(neck['rescales'])
    assert outer['channels'] == expected


@pytest.mark.parametrize('path', RGBT_CONFIGS, ids=lambda p: p.stem)
def test_preprocessor_normalises_rgb_as_imagenet_and_ir_as_the_source(path):
    rgbt, source = load_pair(path)
    ours, theirs = rgbt['model']['data_preprocessor'], source['model'][
        'data_preprocessor']
    assert ours['type'] == 'univ_mm.RGBTSegDataPreProcessor'
    assert theirs['type'] == 'SegDataPreProcessor'
    assert theirs['mean'] != IMAGENET['mean']  # the sources are thermal
    assert (ours['rgb_mean'], ours['rgb_std']) == (IMAGENET['mean'],
                                                   IMAGENET['std'])
    assert (ours['ir_mean'], ours['ir_std']) == (theirs['mean'],
                                                 theirs['std'])


@pytest.mark.parametrize('path', RGBT_CONFIGS, ids=lambda p: p.stem)
def test_datasets_read_the_same_split_of_both_roots(path):
    rgbt, source = load_pair(path)
    pairs = list(zip(datasets(rgbt), datasets(source), strict=True))
    assert pairs
    for ours, theirs in pairs:
        assert ours['type'] == theirs['type'].replace('Dataset',
                                                      'RGBTDataset')
        assert theirs['data_root'] == ours['data_root'] + '/ir'
        prefix = theirs['data_prefix']
        assert ours['data_prefix'] == dict(
            img_path='rgb/' + prefix['img_path'],
            ir_path='ir/' + prefix['img_path'],
            seg_map_path='ir/' + prefix['seg_map_path'])


@pytest.mark.parametrize('path', RGBT_CONFIGS, ids=lambda p: p.stem)
def test_pipelines_swap_the_loader_and_distort_rgb_only(path):
    rgbt, source = load_pair(path)
    train = source['train_dataloader']['dataset']['pipeline']
    assert train[0]['type'] == 'LoadImageFromFile'
    assert dict(type='PhotoMetricDistortion') in train
    assert rgbt['train_dataloader']['dataset']['pipeline'] == \
        rgbt_pipeline(train)
    for ours, theirs in zip(datasets(rgbt)[1:], datasets(source)[1:],
                            strict=True):  # test pipelines: the loader only
        assert ours['pipeline'] == [LOADER, *theirs['pipeline'][1:]]


@pytest.mark.parametrize('path', RGBT_CONFIGS, ids=lambda p: p.stem)
def test_shared_backbone_gets_the_source_layer_decay(path):
    rgbt, source = Config.fromfile(path), Config.fromfile(source_of(path))
    tiny = dict(arch='tiny') if 'convmae' in path.name else dict(
        arch=dict(embed_dims=32, num_layers=12, num_heads=2,
                  feedforward_channels=64))
    theirs = lr_and_decay(source, dict(source.model.backbone, init_cfg=None,
                                       **tiny), 'mmseg')
    outer = rgbt.model.backbone
    ours = lr_and_decay(rgbt, dict(outer, backbone=dict(
        outer.backbone, init_cfg=None, **tiny)), 'mmseg')
    inner = {k.replace('backbone.backbone.', 'backbone.', 1): v
             for k, v in ours.items() if k.startswith('backbone.backbone.')}
    assert inner == theirs
    assert len({lr for lr, _ in theirs.values()}) > 2  # the decay is on
    rest = {lr for k, (lr, _) in ours.items()
            if not k.startswith('backbone.backbone.')}
    assert rest == {rgbt.optim_wrapper.optimizer.lr}  # fusers, tokens


@pytest.mark.parametrize('twin', TWINS, ids=lambda p: p.stem)
def test_twin_differs_only_in_the_shared_backbone_init(twin):
    named = re.search(r'twin of (\S+\.py)', twin.read_text()).group(1)
    univ = Path(os.path.normpath(twin.parent / named))
    assert univ in RGBT_CONFIGS
    inits = Config.fromfile('configs/seg/_base_/baseline_inits.py')
    init = twin.name.split('_')[1].removesuffix('-b').removesuffix('-vit')
    theirs, ours = Config.fromfile(twin), Config.fromfile(univ)
    expected = dict(ours.model.backbone.backbone.init_cfg,
                    **inits[f'{init}_b' if init == 'convmae' else
                            f'{init}_vit_b'])
    assert theirs.model.backbone.backbone.init_cfg == expected
    assert expected != ours.model.backbone.backbone.init_cfg
    theirs, ours = theirs.to_dict(), ours.to_dict()
    theirs['model']['backbone']['backbone'].pop('init_cfg')
    ours['model']['backbone']['backbone'].pop('init_cfg')
    assert {k: v for k, v in theirs.items() if k not in inits} == ours


def shrink_rgbt(cfg: Config, shrink_config, root: Path, work_dir: Path,
                checkpoint: Path) -> Config:
    """conftest's ``shrink`` applied to the wrapped backbone: the inner
    backbone is moved to ``model.backbone`` for it, then wrapped again
    with the tiny channels."""
    outer = cfg.model.backbone
    cfg.model.backbone = outer.backbone
    cfg = shrink_config(cfg, root, work_dir, checkpoint)
    outer.backbone = cfg.model.backbone
    outer.channels = (cfg.model.neck.embed_dim, ) * 4
    cfg.model.backbone = outer
    return cfg


@pytest.fixture(scope='module')
def trained(converted, shrink_config, tiny_export, tmp_path_factory):
    """The MFNet RGB-T config, tiny, from the merged export, trained 2
    iterations: (its config, runner)."""
    work_dir = tmp_path_factory.mktemp('mfnet_rgbt')
    cfg = shrink_rgbt(Config.fromfile(MFNET), shrink_config,
                      converted['mfnet'], work_dir, tiny_export)
    runner = Runner.from_cfg(cfg)
    runner.train()
    return cfg, runner


@pytest.mark.slow
def test_fused_model_loads_the_merged_export_unchanged(
        converted, shrink_config, tiny_export, tmp_path):
    cfg = shrink_rgbt(Config.fromfile(MFNET), shrink_config,
                      converted['mfnet'], tmp_path, tiny_export)
    with DefaultScope.overwrite_default_scope('mmseg'):
        model = MODELS.build(cfg.model)
    model.init_weights()
    exported = torch.load(tiny_export)['state_dict']
    inner = model.backbone.backbone.state_dict()
    # every inner weight comes from the export (its ``ln1`` is unused:
    # the config has ``final_norm=False``, as the source's does)
    assert set(inner) == set(exported) - {'ln1.weight', 'ln1.bias'}
    for key, value in inner.items():
        torch.testing.assert_close(value, exported[key], msg=key)


@pytest.mark.slow
def test_trains_and_evaluates_fused_and_with_a_camera_lost(trained):
    cfg, runner = trained
    assert (Path(cfg.work_dir) / 'iter_2.pth').is_file()
    model = runner.model
    logits = {}
    # the runner's loops are built lazily, in the test's scope (univ_mm)
    with DefaultScope.overwrite_default_scope('mmseg'):
        batch = next(iter(runner.test_dataloader))
        for lost in (None, 'rgb', 'ir'):
            model.backbone.drop_modality = lost
            metrics = runner.test()
            assert 0 <= metrics['mIoU'] <= 100, lost
            with torch.no_grad():
                logits[lost] = model.test_step(batch)[0].seg_logits.data
    model.backbone.drop_modality = None
    assert logits[None].shape[0] == cfg.model.decode_head.num_classes
    for a, b in ((None, 'rgb'), (None, 'ir'), ('rgb', 'ir')):
        assert not torch.allclose(logits[a], logits[b]), (a, b)


@pytest.mark.slow
def test_inference_api_segments_a_pair(trained, converted):
    cfg, _ = trained
    with DefaultScope.overwrite_default_scope('mmseg'):
        model = init_model(copy.deepcopy(cfg),
                           str(Path(cfg.work_dir) / 'iter_2.pth'),
                           device='cpu')
    stem = 'rgb/img_dir/test/00005D.png'
    rgb = cv2.imread(str(converted['mfnet'] / stem))
    ir = cv2.imread(str(converted['mfnet'] / stem.replace('rgb/', 'ir/')))
    pair = np.concatenate([rgb, ir], axis=-1)
    assert pair.shape == (64, 80, 6) and pair.dtype == np.uint8
    with DefaultScope.overwrite_default_scope('mmseg'):
        result = inference_model(model, pair)
    assert result.pred_sem_seg.data.shape == (1, 64, 80)
    assert result.seg_logits.data.shape[0] == cfg.model.decode_head.num_classes


@pytest.mark.slow
def test_inference_tool_draws_on_both_images_or_the_one_left(
        trained, converted, tmp_path):
    cfg, _ = trained
    config = tmp_path / 'mfnet_rgbt_tiny.py'
    cfg.dump(config)
    checkpoint = str(Path(cfg.work_dir) / 'iter_2.pth')
    rgb = converted['mfnet'] / 'rgb/img_dir/test/00005D.png'
    ir = converted['mfnet'] / 'ir/img_dir/test/00005D.png'
    with DefaultScope.overwrite_default_scope('mmseg'):
        both = segment_image(rgb, str(config), checkpoint, ir=ir,
                             out_dir=tmp_path / 'a', device='cpu').paths
        lost = segment_image(Path('-'), str(config), checkpoint, ir=ir,
                             out_dir=tmp_path / 'b', device='cpu').paths
    assert [p.name for p in both] == [
        '00005D_mask.png', '00005D_overlay.png', '00005D_ir_overlay.png']
    assert [p.name for p in lost] == ['00005D_mask.png',
                                      '00005D_ir_overlay.png']
    for path in (*both, *lost):
        with Image.open(path) as image:
            assert image.size == (80, 64)
