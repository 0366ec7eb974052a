"""Tests of the paired loading, geometric and packing transforms."""
import os.path as osp

import numpy as np
import pytest
import torch
from mmcv.transforms import RandomFlip
from mmengine.structures import BaseDataElement

from univ_mm.datasets.mvip import MVIPDataset
from univ_mm.datasets.transforms import (
    LoadPairedImages,
    PackPairedInputs,
    PairedRandomFlip,
    PairedRandomResizedCrop,
)
from univ_mm.registry import TRANSFORMS


def _load(tmp_path, write_image, rgb, ir, **kwargs):
    rgb_path = write_image(str(tmp_path / 'rgb' / 'p.png'), rgb)
    ir_path = write_image(str(tmp_path / 'ir' / 'p.png'), ir)
    return LoadPairedImages(**kwargs)({'rgb_path': rgb_path,
                                       'ir_path': ir_path})


def test_load_single_channel_ir_as_three(tmp_path, write_image, random_image):
    rgb, ir = random_image(0, (6, 9, 3)), random_image(1, (6, 9))
    results = _load(tmp_path, write_image, rgb, ir)
    np.testing.assert_array_equal(results['img'], rgb)  # BGR as written
    assert results['ir_img'].shape == (6, 9, 3)
    assert results['ir_img'].dtype == np.uint8
    for c in range(3):
        np.testing.assert_array_equal(results['ir_img'][..., c], ir)
    assert results['img_shape'] == results['ori_shape'] == (6, 9)
    gray = _load(tmp_path, write_image, rgb, ir, ir_color_type='grayscale')
    np.testing.assert_array_equal(gray['ir_img'], ir)


def test_load_three_channel_ir_gives_identical_channels(
        tmp_path, write_image, random_image):
    ir = random_image(2, (5, 7, 3))
    results = _load(tmp_path, write_image, random_image(3, (5, 7, 3)), ir)
    out = results['ir_img']
    assert out.shape == (5, 7, 3)
    assert (out[..., 0] == out[..., 1]).all() and (
        out[..., 1] == out[..., 2]).all()
    assert out.std() > 0


def test_load_errors(tmp_path, write_image, random_image):
    with pytest.raises(ValueError) as err:
        _load(tmp_path, write_image, random_image(0, (6, 9, 3)),
              random_image(1, (6, 8)))
    msg = str(err.value)
    assert osp.join('rgb', 'p.png') in msg and osp.join('ir', 'p.png') in msg
    assert '6x9' in msg and '6x8' in msg
    broken = tmp_path / 'broken.png'
    broken.write_bytes(b'not an image at all')
    good = write_image(str(tmp_path / 'good.png'), random_image(0, (4, 4)))
    with pytest.raises(OSError, match='broken.png'):
        LoadPairedImages()({'rgb_path': good, 'ir_path': str(broken)})
    with pytest.raises(ValueError, match='ir_color_type'):
        LoadPairedImages(ir_color_type='unchanged')


def _coordinate_pair(height=60, width=80):
    """RGB stores (x, y) in B and G; IR stores a mix of both."""
    y, x = np.mgrid[:height, :width]
    rgb = np.stack([x, y, (x * y) % 256], -1).astype(np.uint8)
    ir = ((3 * x + 7 * y) % 256).astype(np.uint8)
    return rgb, np.repeat(ir[..., None], 3, -1)


def test_crop_and_flip_keep_pairs_aligned():
    rgb, ir = _coordinate_pair()
    crop = PairedRandomResizedCrop(scale=(40, 30), interpolation='nearest')
    flip = PairedRandomFlip(prob=0.5)
    boxes, flips = set(), []
    for seed in range(20):
        np.random.seed(seed)
        out = flip(crop({'img': rgb.copy(), 'ir_img': ir.copy()}))
        img, ir_img = out['img'].astype(int), out['ir_img']
        assert img.shape == ir_img.shape == (30, 40, 3)
        assert out['img_shape'] == (30, 40)
        # The same source pixel landed at every output position.
        expected = (3 * img[..., 0] + 7 * img[..., 1]) % 256
        np.testing.assert_array_equal(ir_img[..., 0], expected)
        # The crop box is where the pixels came from.
        x1, y1, x2, y2 = out['crop_bbox']
        left = img[:, -1] if out['flip'] else img[:, 0]
        assert left[0, 0] == x1 and left[0, 1] == y1
        assert img[:, :, 0].max() <= x2 - 1 and img[:, :, 1].max() <= y2 - 1
        # Aspect ratio kept, side fraction within (0.4, 1.0).
        fw, fh = (x2 - x1) / 80, (y2 - y1) / 60
        assert abs(fw - fh) <= 0.5 / 80 + 0.5 / 60
        assert 0.4 - 0.5 / 60 <= fh <= 1.0
        boxes.add(out['crop_bbox'])
        flips.append(out['flip'])
    assert len(boxes) > 15 and 0 < sum(flips) < 20


def test_crop_is_reproducible_and_respects_range():
    rgb, ir = _coordinate_pair(100, 100)
    crop = PairedRandomResizedCrop(scale=16, side_range=(0.5, 0.6))
    runs = []
    for _ in range(2):
        np.random.seed(7)
        runs.append([crop({'img': rgb, 'ir_img': ir})['crop_bbox']
                     for _ in range(10)])
    assert runs[0] == runs[1]
    for x1, y1, x2, y2 in runs[0]:
        assert x2 - x1 == y2 - y1 and 50 <= x2 - x1 <= 60
        assert x1 >= 0 and x2 <= 100 and y1 >= 0 and y2 <= 100


def test_crop_grayscale_ir_and_errors():
    rgb, ir = _coordinate_pair()
    out = PairedRandomResizedCrop(scale=20)({'img': rgb, 'ir_img': ir[..., 0]})
    assert out['img'].shape == (20, 20, 3) and out['ir_img'].shape == (20, 20)
    with pytest.raises(ValueError, match='aligned'):
        PairedRandomResizedCrop()({'img': rgb, 'ir_img': ir[:50]})
    with pytest.raises(KeyError, match='ir_img'):
        PairedRandomResizedCrop()({'img': rgb})
    with pytest.raises(ValueError, match='side_range'):
        PairedRandomResizedCrop(side_range=(0.0, 1.0))


def test_flip_uses_random_flip_logic():
    rgb, ir = _coordinate_pair()
    out = PairedRandomFlip(prob=1.0, direction='vertical')(
        {'img': rgb.copy(), 'ir_img': ir.copy()})
    assert out['flip'] and out['flip_direction'] == 'vertical'
    np.testing.assert_array_equal(out['img'], rgb[::-1])
    np.testing.assert_array_equal(out['ir_img'], ir[::-1])
    out = PairedRandomFlip(prob=0.0)({'img': rgb.copy(), 'ir_img': ir.copy()})
    assert not out['flip']
    np.testing.assert_array_equal(out['ir_img'], ir)
    with pytest.raises(ValueError, match='extra_keys'):
        PairedRandomFlip(extra_keys=('img', 'ir_img'))


@pytest.mark.parametrize('options', [
    dict(prob=0.5), dict(prob=0.3, direction='vertical'),
    dict(prob=0.9, direction=['horizontal', 'vertical', 'diagonal']),
    dict(prob=[0.2, 0.5], direction=['vertical', 'horizontal']),
    dict(prob=1.0), dict(prob=0.0)])
def test_flip_draws_what_random_flip_draws(options):
    """The same directions as RandomFlip for a seed, and the generator left
    in the same state (exact resume)."""
    draws = {}
    for flip in (RandomFlip(**options), PairedRandomFlip(**options)):
        np.random.seed(11)
        draws[type(flip)] = [flip._choose_direction() for _ in range(300)]
        draws[type(flip)].append(np.random.random_sample())
    assert draws[RandomFlip] == draws[PairedRandomFlip]
    assert (len(set(draws[RandomFlip][:-1])) > 1
            or options['prob'] in (0.0, 1.0))


def test_pack_paired_inputs():
    rgb, ir = _coordinate_pair(12, 14)
    results = {'img': rgb, 'ir_img': ir[..., 0], 'pair_name': 'p.png',
               'source': 'S', 'img_shape': (12, 14), 'flip': False,
               'extra': 1}
    packed = PackPairedInputs()(results)
    rgb_t, ir_t = packed['inputs']['rgb'], packed['inputs']['ir']
    assert rgb_t.shape == (3, 12, 14) and ir_t.shape == (1, 12, 14)
    assert rgb_t.dtype == ir_t.dtype == torch.uint8
    assert rgb_t.is_contiguous() and ir_t.is_contiguous()
    # Channel order is the loaded one (BGR), not swapped.
    np.testing.assert_array_equal(rgb_t[0].numpy(), rgb[..., 0])
    np.testing.assert_array_equal(ir_t[0].numpy(), ir[..., 0])
    sample = packed['data_samples']
    assert isinstance(sample, BaseDataElement)
    assert set(sample.metainfo) == {'pair_name', 'source', 'img_shape',
                                    'flip'}
    assert sample.pair_name == 'p.png'
    # A non-contiguous (flipped) view is packed correctly too.
    packed = PackPairedInputs(meta_keys=())({'img': rgb[:, ::-1],
                                             'ir_img': ir[:, ::-1]})
    np.testing.assert_array_equal(packed['inputs']['rgb'][1].numpy(),
                                  rgb[:, ::-1, 1])
    assert packed['inputs']['ir'].shape == (3, 12, 14)
    with pytest.raises(KeyError, match='ir_img'):
        PackPairedInputs()({'img': rgb})


def test_registry_and_full_pipeline(make_mvip):
    root = make_mvip({'S': ['a.png', 'b.png']})
    names = ['LoadPairedImages', 'PairedRandomResizedCrop',
             'PairedRandomFlip', 'PackPairedInputs']
    for name in names:
        assert name in repr(TRANSFORMS.build({'type': name}))
    pipeline = [
        {'type': 'univ_mm.LoadPairedImages'},
        {'type': 'univ_mm.PairedRandomResizedCrop', 'scale': 16},
        {'type': 'univ_mm.PairedRandomFlip', 'prob': 0.5},
        {'type': 'univ_mm.PackPairedInputs'},
    ]
    ds = MVIPDataset(root, sources=['S'], pipeline=pipeline)
    out = ds[1]
    rgb, ir = out['inputs']['rgb'], out['inputs']['ir']
    assert rgb.shape == ir.shape == (3, 16, 16)
    meta = out['data_samples'].metainfo
    assert meta['pair_name'] == 'b.png' and meta['source'] == 'S'
    assert meta['sample_idx'] == 1 and meta['ori_shape'] == (8, 10)
    assert meta['img_shape'] == (16, 16) and 'crop_bbox' in meta
    assert meta['flip'] in (True, False)
