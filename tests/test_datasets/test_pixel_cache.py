"""The opt-in decoded-pixel cache of LoadPairedImages."""
import os
from collections import namedtuple

import numpy as np
import pytest
from mmcv.transforms import Compose

from univ_mm.datasets.transforms import LoadPairedImages
from univ_mm.datasets.transforms import pixel_cache as pixel_cache_module
from univ_mm.utils.textured_pairs import write_textured_pairs


def pipeline(**load_options) -> Compose:
    return Compose([
        dict(type='LoadPairedImages', ir_color_type='grayscale',
             **load_options),
        dict(type='PairedRandomResizedCrop', scale=32),
        dict(type='PairedRandomFlip', prob=0.5),
        dict(type='PackPairedInputs'),
    ])


def run(transform: Compose, pairs: list[dict]) -> list[dict]:
    np.random.seed(5)
    return [transform(dict(pair)) for pair in pairs for _ in range(2)]


@pytest.fixture(scope='module')
def pairs(tmp_path_factory):
    root = tmp_path_factory.mktemp('textured')
    return write_textured_pairs(str(root), 3, shape=(64, 80))


def test_later_passes_read_what_the_first_wrote(pairs, tmp_path):
    folder = tmp_path / 'cache'
    transform = pipeline(decode='crop', pixel_cache=str(folder))
    first = run(transform, pairs)
    files = sorted(os.listdir(folder))
    assert len(files) == 2 * len(pairs) and all(
        f.endswith('.npy') and '.tmp' not in f for f in files)
    stamps = [os.stat(folder / f).st_mtime_ns for f in files]
    later = run(transform, pairs)
    assert [os.stat(folder / f).st_mtime_ns for f in files] == stamps
    full = run(pipeline(decode='full'), pairs)
    for a, b, c in zip(first, later, full, strict=True):
        assert (a['data_samples'].crop_bbox == b['data_samples'].crop_bbox
                == c['data_samples'].crop_bbox)
        for key in ('rgb', 'ir'):
            np.testing.assert_array_equal(a['inputs'][key], b['inputs'][key])
            # full-size decode as decode='full' does: the same pixels
            difference = (a['inputs'][key].float() - c['inputs'][key]).abs()
            assert difference.max() <= 1


def test_full_disk_and_wrong_mode_raise(pairs, tmp_path, monkeypatch):
    usage = namedtuple('usage', 'total used free')
    monkeypatch.setattr(pixel_cache_module.shutil, 'disk_usage',
                        lambda _: usage(10**6, 10**6 - 10, 10))
    transform = pipeline(decode='crop', pixel_cache=str(tmp_path / 'c'))
    with pytest.raises(OSError, match='Pixel cache .* GiB free'):
        transform(dict(pairs[0]))
    with pytest.raises(ValueError, match="pixel_cache needs decode='crop'"):
        LoadPairedImages(pixel_cache=str(tmp_path))
