"""The opt-in decoded-pixel cache of LoadPairedImages."""
import os
from collections import namedtuple

import numpy as np
import pytest
from mmcv.transforms import Compose

from univ_mm.datasets.transforms import LoadPairedImages
from univ_mm.datasets.transforms import pixel_cache as pixel_cache_module
from univ_mm.image_codecs.decoding import EncodedImage, decode
from univ_mm.synthetic.textured_pairs import write_textured_pairs


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
    files = sorted(folder.glob('*/*'))
    assert len(files) == 2 * len(pairs) and all(
        f.suffix == '.npy' for f in files)
    assert not list(folder.glob('*.tmp.npy'))
    stamps = [os.stat(f).st_mtime_ns for f in files]
    later = run(transform, pairs)
    assert [os.stat(f).st_mtime_ns for f in files] == stamps
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


def load(folder, pair: dict, **options) -> dict:
    """The full-size pixels LoadPairedImages takes from the cache."""
    return LoadPairedImages(ir_color_type='grayscale', decode='crop',
                            pixel_cache=str(folder), **options)(dict(pair))


def decoded(path: str, grayscale: bool = False, fast: bool = False):
    with open(path, 'rb') as file:
        return decode(EncodedImage(file.read(), path, grayscale, fast)).pixels


@pytest.fixture
def messages(monkeypatch) -> list[str]:
    """What the cache logs."""
    logged = []
    monkeypatch.setattr(pixel_cache_module, 'print_log',
                        lambda message, **_: logged.append(message))
    return logged


def test_an_overwritten_image_is_decoded_again(pairs, tmp_path, messages):
    pair = {key: str(tmp_path / f'{key}.jpg') for key in pairs[0]}
    for key, path in pair.items():
        with open(pairs[0][key], 'rb') as source, open(path, 'wb') as file:
            file.write(source.read())
    load(tmp_path / 'cache', pair)
    with open(pairs[1]['rgb_path'], 'rb') as source:
        (tmp_path / 'rgb_path.jpg').write_bytes(source.read())
    stamp = os.stat(pair['rgb_path']).st_mtime_ns + 10**9
    os.utime(pair['rgb_path'], ns=(stamp, stamp))  # a coarse clock's too
    images = load(tmp_path / 'cache', pair)
    np.testing.assert_array_equal(images['img'],
                                  decoded(pairs[1]['rgb_path']))
    assert len(list((tmp_path / 'cache').glob('*/*'))) == 2  # stale: gone
    assert any('changed since it was cached' in m for m in messages)


def test_decode_options_do_not_share_an_entry(pairs, tmp_path):
    path = pairs[0]['rgb_path']
    same_file = {'rgb_path': path, 'ir_path': path}
    exact = load(tmp_path, same_file)
    assert exact['img'].shape[2] == 4 and exact['ir_img'].ndim == 2
    np.testing.assert_array_equal(exact['ir_img'], decoded(path, True))
    fast = load(tmp_path, same_file, fast_jpeg=True)['img']
    np.testing.assert_array_equal(fast, decoded(path, fast=True))
    assert (fast != exact['img']).any()


def test_a_torn_entry_is_decoded_again(pairs, tmp_path, messages):
    load(tmp_path, pairs[0])
    entries = sorted(tmp_path.rglob('*.npy'))
    for entry in entries:
        entry.write_bytes(entry.read_bytes()[:200])
    images = load(tmp_path, pairs[0])
    np.testing.assert_array_equal(images['img'],
                                  decoded(pairs[0]['rgb_path']))
    np.testing.assert_array_equal(images['ir_img'],
                                  decoded(pairs[0]['ir_path'], True))
    assert sorted(tmp_path.rglob('*.npy')) == entries
    assert all(np.load(entry).size for entry in entries)  # whole again
    assert sum('is damaged' in m for m in messages) == 2


@pytest.mark.parametrize('below', ['', 'sub'])
def test_a_cache_folder_that_is_a_file_is_named(tmp_path, below):
    file = tmp_path / 'cache.npy'
    file.write_bytes(b'')
    with pytest.raises(NotADirectoryError,
                       match=r"cache\.npy.*Delete that file"):
        LoadPairedImages(ir_color_type='grayscale', decode='crop',
                         pixel_cache=str(file / below))
