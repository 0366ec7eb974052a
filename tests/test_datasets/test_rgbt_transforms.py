"""Fused RGB-T images through the stock pipelines of the RGB-T configs."""
import copy

import numpy as np
import pytest
from mmdet.registry import TRANSFORMS as DET_TRANSFORMS
from mmengine.config import Config
from mmengine.registry import DefaultScope
from mmseg.registry import TRANSFORMS as SEG_TRANSFORMS

from univ_mm.datasets.transforms import LoadRGBTImages, PerModality

SEG_BASE = 'configs/seg/_base_/datasets/rgbt_512x512.py'
DET_BASE = 'configs/det/_base_/datasets/coco-style-rgbt_1024.py'
SHAPE = (48, 64)  # H, W
#: The marker: a white block, the same place in both images, off the
#: centre so that flips move it.
MARKER = (slice(8, 28), slice(14, 34))
#: Backgrounds whose darkest channel is the same in both modalities, so
#: that interpolation blends the marker's edge alike in both.
RGB_BACKGROUND, IR_BACKGROUND = (40, 60, 80), 40
#: Transforms that are not geometric: no alignment check after them.
NOT_GEOMETRIC = ('LoadRGBTImages', 'LoadAnnotations', 'PerModality',
                 'PackSegInputs', 'PackDetInputs', 'FilterAnnotations')


def write_pair(tmp_path, write_image, ir_shape=SHAPE) -> dict:
    """An RGB and a grey thermal image with the marker, and a label map."""
    rgb = np.empty((*SHAPE, 3), np.uint8)
    rgb[:] = RGB_BACKGROUND
    ir = np.full(ir_shape, IR_BACKGROUND, np.uint8)
    rgb[MARKER] = ir[MARKER] = 255
    label = np.zeros(SHAPE, np.uint8)
    label[MARKER] = 1
    return dict(img_path=write_image(str(tmp_path / 'rgb.png'), rgb),
                ir_path=write_image(str(tmp_path / 'ir.png'), ir),
                seg_map_path=write_image(str(tmp_path / 'label.png'), label),
                reduce_zero_label=False, seg_fields=[],
                instances=[dict(bbox=[14, 8, 34, 28], bbox_label=0,
                                ignore_flag=0)])


def marker_masks(img: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where the marker is in the RGB and in the thermal channels."""
    return img[..., :3].min(-1) > 150, img[..., 3:].min(-1) > 150


def run_checked(steps: list[dict], registry, scope: str,
                results: dict) -> dict:
    """Run ``steps`` one by one in ``scope``; after each geometric one the
    marker must be at the same pixels in both modalities."""
    with DefaultScope.overwrite_default_scope(scope):
        transforms = [registry.build(step) for step in steps]
    for transform in transforms:
        results = transform(results)
        if type(transform).__name__ not in NOT_GEOMETRIC:
            rgb, ir = marker_masks(results['img'])
            assert rgb.any(), f'{transform} lost the marker'
            np.testing.assert_array_equal(rgb, ir, err_msg=str(transform))
    return results


def pipeline(config: str, name: str, overrides: dict) -> list[dict]:
    """A pipeline of a base config, small sizes set step by step."""
    steps = copy.deepcopy(Config.fromfile(config)[name])
    for index, values in overrides.items():
        steps[index].update(values)
    return steps


SEG_TRAIN = {2: dict(scale=(96, 64)), 3: dict(crop_size=(40, 40)),
             4: dict(prob=1.0)}
DET_TRAIN = {2: dict(prob=1.0), 3: dict(scale=(64, 64)),
             4: dict(crop_size=(40, 40))}


@pytest.mark.parametrize('seed', [0, 1])
def test_seg_train_pipeline_keeps_the_pair_aligned(tmp_path, write_image,
                                                   seed):
    np.random.seed(seed)
    steps = pipeline(SEG_BASE, 'train_pipeline', SEG_TRAIN)
    packed = run_checked(steps, SEG_TRANSFORMS, 'mmseg',
                         write_pair(tmp_path, write_image))
    assert packed['inputs'].shape[0] == 6
    assert packed['data_samples'].gt_sem_seg.data.shape[1:] == (40, 40)


def test_seg_test_pipeline_keeps_the_pair_aligned(tmp_path, write_image):
    steps = pipeline(SEG_BASE, 'test_pipeline', {1: dict(scale=(128, 96))})
    packed = run_checked(steps, SEG_TRANSFORMS, 'mmseg',
                         write_pair(tmp_path, write_image))
    assert tuple(packed['inputs'].shape) == (6, 96, 128)


@pytest.mark.parametrize('seed', [1, 2])
def test_det_lsj_pipeline_keeps_the_pair_aligned(tmp_path, write_image,
                                                 seed):
    np.random.seed(seed)
    steps = pipeline(DET_BASE, 'train_pipeline', DET_TRAIN)
    packed = run_checked(steps, DET_TRANSFORMS, 'mmdet',
                         write_pair(tmp_path, write_image))
    assert packed['inputs'].shape[0] == 6


def test_det_test_pipeline_keeps_the_pair_aligned(tmp_path, write_image):
    steps = pipeline(DET_BASE, 'test_pipeline', {1: dict(scale=(96, 96))})
    packed = run_checked(steps, DET_TRANSFORMS, 'mmdet',
                         write_pair(tmp_path, write_image))
    assert packed['data_samples'].ir_path.endswith('ir.png')
    assert tuple(packed['inputs'].shape) == (6, 72, 96)


def test_load_fuses_bgr_and_thermal_as_colour(tmp_path, write_image,
                                              random_image):
    rgb, ir = random_image(0, (*SHAPE, 3)), random_image(1, SHAPE)
    results = LoadRGBTImages(to_float32=True)(dict(
        img_path=write_image(str(tmp_path / 'rgb.png'), rgb),
        ir_path=write_image(str(tmp_path / 'ir.png'), ir)))
    img = results['img']
    assert img.shape == (*SHAPE, 6) and img.dtype == np.float32
    np.testing.assert_array_equal(img[..., :3], rgb)  # BGR as written
    for channel in range(3, 6):
        np.testing.assert_array_equal(img[..., channel], ir)
    assert results['img_shape'] == results['ori_shape'] == SHAPE
    assert results['modalities'] == ('rgb', 'ir')


def test_load_rejects_a_pair_of_two_sizes(tmp_path, write_image):
    results = write_pair(tmp_path, write_image, ir_shape=(48, 60))
    with pytest.raises(ValueError, match=r'pixel-aligned.*rgb\.png.*48x64.*'
                       r'ir\.png.*48x60'):
        LoadRGBTImages()(results)


def test_load_names_a_missing_file(tmp_path, write_image):
    results = dict(write_pair(tmp_path, write_image),
                   ir_path=str(tmp_path / 'no_ir.png'))
    with pytest.raises(FileNotFoundError, match='no_ir.png'):
        LoadRGBTImages()(results)


@pytest.mark.parametrize('scope, registry',
                         [('mmseg', SEG_TRANSFORMS),
                          ('mmdet', DET_TRANSFORMS)])
def test_photometric_distortion_touches_rgb_only(tmp_path, write_image,
                                                 random_image, scope,
                                                 registry):
    np.random.seed(0)
    rgb, ir = random_image(2, (*SHAPE, 3)), random_image(3, SHAPE)
    results = LoadRGBTImages()(dict(
        img_path=write_image(str(tmp_path / 'rgb.png'), rgb),
        ir_path=write_image(str(tmp_path / 'ir.png'), ir)))
    loaded = results['img'].copy()
    with DefaultScope.overwrite_default_scope(scope):
        per_modality = registry.build(dict(
            type='univ_mm.PerModality', modality='rgb',
            transforms=[dict(type='PhotoMetricDistortion')]))
    assert type(per_modality.transforms.transforms[0]).__module__.startswith(
        scope)
    img = per_modality(results)['img']
    assert img.shape == (*SHAPE, 6)
    assert not np.array_equal(img[..., :3], loaded[..., :3])
    np.testing.assert_array_equal(img[..., 3:], loaded[..., 3:])


def test_per_modality_rejects_bad_input():
    with pytest.raises(ValueError, match="one of \\('rgb', 'ir'\\)"):
        PerModality('thermal', [])
    with pytest.raises(ValueError, match='LoadRGBTImages'):
        PerModality('ir', [])(dict(img=np.zeros((4, 4, 3), np.uint8)))
    crop = PerModality('ir', [lambda results: dict(
        results, img=results['img'][:2])])
    with pytest.raises(ValueError, match='keep the shape'):
        crop(dict(img=np.zeros((4, 4, 6), np.uint8)))
