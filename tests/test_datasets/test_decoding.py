"""Header-first, reduced-scale and on-device decoding of crop boxes."""
import cv2
import numpy as np
import pytest
import torch
from bad_jpegs import jpeg, with_orientation_6
from mmcv.transforms import Compose
from mmengine.dataset import default_collate

from univ_mm.benchmarks.input_pipeline import psnr
from univ_mm.datasets.transforms import LoadPairedImages
from univ_mm.image_codecs import turbojpeg_region as turbojpeg
from univ_mm.image_codecs.decoding import (
    JPEG_REDUCTIONS,
    WINDOW_MARGIN,
    EncodedImage,
    decode,
    decode_box,
    image_size,
    reduction_for,
    resample_box,
)
from univ_mm.models.data_preprocessors import PairedDataPreprocessor
from univ_mm.synthetic.textured_pairs import write_textured_pairs

SHAPE = (96, 120)  # (H, W), MVIP's 512x640 aspect
SCALE = 40
#: Decoding at 1/2 against full decoding, same box and resampling, in dB
#: (measured 34.6-34.9 RGB, 40.8-41.3 IR on these textures; 1/2 is the
#: only reduction 640x512 pairs meet at 224 px).
MIN_PSNR = 32.0
#: On-device path (torchvision decode + roi_align, float) against the CPU
#: pipeline with full decoding (uint8), in 0-255 pixel units: the same
#: decoder and sampling, so only the CPU path's rounding to uint8, with
#: cv2.resize's 11-bit fixed-point weights for boxes at least the output
#: (measured: mean 0.27, max 0.75; cv2.warpAffine alone: 0.25, 0.50).
DEVICE_MEAN_TOLERANCE, DEVICE_MAX_TOLERANCE = 0.3, 0.8


def pipeline(decode_mode: str, scale: int = SCALE) -> Compose:
    return Compose([
        dict(type='LoadPairedImages', ir_color_type='grayscale',
             decode=decode_mode),
        dict(type='PairedRandomResizedCrop', scale=scale),
        dict(type='PairedRandomFlip', prob=0.5),
        dict(type='PackPairedInputs'),
    ])


@pytest.fixture(scope='module')
def pairs(tmp_path_factory):
    root = tmp_path_factory.mktemp('textured')
    return write_textured_pairs(str(root), 6, shape=SHAPE)


def run(decode_mode: str, pairs: list[dict], seed: int = 3) -> list[dict]:
    np.random.seed(seed)
    transform = pipeline(decode_mode)
    return [transform(dict(pair)) for pair in pairs for _ in range(3)]


def encoded(path: str, grayscale: bool = False) -> EncodedImage:
    with open(path, 'rb') as file:
        return EncodedImage(file.read(), path, grayscale)


def test_every_path_draws_the_same_boxes_and_flips(pairs):
    metas = {mode: [out['data_samples'].metainfo for out in run(mode, pairs)]
             for mode in ('full', 'crop', 'device')}
    for key in ('crop_bbox', 'flip', 'flip_direction', 'img_shape'):
        values = {mode: [m[key] for m in ms] for mode, ms in metas.items()}
        assert values['full'] == values['crop'] == values['device'], key
    assert len({m['crop_bbox'] for m in metas['full']}) > 10
    assert 0 < sum(m['flip'] for m in metas['full']) < 18


def test_reduction_keeps_the_box_at_least_the_output():
    rng = np.random.default_rng(0)
    for _ in range(200):
        x1, y1 = rng.integers(0, 50, 2)
        box = (x1, y1, x1 + rng.integers(1, 600), y1 + rng.integers(1, 500))
        out = tuple(rng.integers(8, 256, 2))
        d = reduction_for(box, out)
        assert d in JPEG_REDUCTIONS
        if d > 1:
            assert box[2] - box[0] >= d * out[0]
            assert box[3] - box[1] >= d * out[1]
        if d < 8:  # the next reduction would make the box too small
            assert (box[2] - box[0] < 2 * d * out[0]
                    or box[3] - box[1] < 2 * d * out[1])


def test_reduced_decode_is_smaller_and_faithful(pairs):
    image = encoded(pairs[0]['rgb_path'])
    assert image_size(image) == SHAPE
    pixels, reduction, origin = decode(image, 2)
    assert reduction == 2 and origin == (0, 0)
    assert pixels.shape == (48, 60, 4)  # BGRX
    box = (4, 0, 104, 96)  # 100x96 pixels: reduction 2 for 48 px
    assert reduction_for(box, (48, 48)) == 2
    assert reduction_for(box, (24, 24)) == 4
    for path, gray in ((pairs[0]['rgb_path'], False),
                       (pairs[0]['ir_path'], True)):
        reduced = decode_box(encoded(path, gray), box, (48, 48))
        full = decode_box(encoded(path, gray), box, (48, 48), reduction=1)
        assert reduced.shape == full.shape
        assert psnr(reduced, full) > MIN_PSNR


@pytest.mark.parametrize('fast', [False, True])
def test_window_decode_matches_the_whole_image(pairs, fast):
    """Decoding only the rows and iMCU columns around a box gives the
    pixels a whole-image decode gives there, at every reduction."""
    rng = np.random.default_rng(1)
    for path, gray in ((pairs[1]['rgb_path'], False),
                       (pairs[1]['ir_path'], True)):
        image = encoded(path, gray)._replace(fast=fast)
        for reduction in JPEG_REDUCTIONS:
            whole = decode(image, reduction).pixels
            for _ in range(6):
                x1, y1 = rng.integers(0, 60), rng.integers(0, 48)
                box = (x1, y1, x1 + rng.integers(8, 120 - x1 + 1),
                       y1 + rng.integers(8, 96 - y1 + 1))
                window, _, (left, top) = decode(image, reduction, box)
                assert left % (16 // reduction or 1) == 0  # iMCU, 4:2:0
                assert left <= max(0, box[0] // reduction - WINDOW_MARGIN)
                assert top == max(0, box[1] // reduction - WINDOW_MARGIN)
                height, width = window.shape[:2]
                # smooth chroma upsampling differs in a window's first and
                # last column where they are not the image's (the margin)
                smooth = not fast
                inner = slice(int(smooth and left > 0), width - int(
                    smooth and left + width < whole.shape[1]))
                np.testing.assert_array_equal(
                    window[:, inner],
                    whole[top:top + height, left:left + width][:, inner])
                assert (top + height, left + width) == tuple(
                    min(-(-s // reduction), -(-e // reduction) + WINDOW_MARGIN)
                    for s, e in zip(SHAPE, box[:1:-1], strict=True))
                out = decode_box(image, box, (24, 20), reduction=reduction)
                reference = resample_box(whole, box, (24, 20), reduction)
                # cv2.warpAffine's float sample positions move with the
                # origin: rounding, at most 1
                assert np.abs(out.astype(int) - reference).max() <= 1


def test_window_decode_falls_back_to_the_whole_image(pairs, monkeypatch):
    """Subsampling TurboJPEG cannot name has no iMCU to crop on: the whole
    image is decoded and resampled where the box is."""
    image = encoded(pairs[0]['rgb_path'])
    box = (30, 20, 90, 70)
    windowed = decode_box(image, box, (16, 16))
    monkeypatch.setattr(turbojpeg, 'MCU_WIDTHS', ())
    pixels, _, origin = decode(image, 1, box)
    assert origin == (0, 0) and pixels.shape == (*SHAPE, 4)
    assert np.abs(decode_box(image, box, (16, 16)).astype(int)
                  - windowed).max() <= 1


def test_a_failed_decode_leaves_the_decoder_usable(pairs, monkeypatch):
    good = encoded(pairs[0]['ir_path'], True)
    expected = decode(good).pixels
    for broken in (b'\xff\xd8\xff\xe0 cut', good.data[:len(good.data) // 2]):
        with pytest.raises(OSError, match='Cannot decode image'):
            decode(good._replace(data=broken))
        np.testing.assert_array_equal(decode(good).pixels, expected)
    turbojpeg._library.cache_clear()
    monkeypatch.setattr(turbojpeg.importlib.metadata, 'files',
                        lambda name: [])
    try:
        with pytest.raises(ImportError, match='install the turbojpeg wheel'):
            turbojpeg._library()
    finally:
        turbojpeg._library.cache_clear()


def test_resample_box_geometry():
    y, x = np.mgrid[:40, :50].astype(np.float32)
    identity = resample_box(x, (0, 0, 50, 40), (50, 40))
    np.testing.assert_allclose(identity, x, atol=1e-3)
    # a 2x reduced image: pixel j holds full-size columns 2j and 2j + 1
    half = (x[::2, ::2] + 0.5)
    out = resample_box(half, (10, 4, 30, 24), (10, 10), reduction=2)
    expected = 10 + (np.arange(10) + 0.5) * 2 - 0.5
    np.testing.assert_allclose(out[0], expected, atol=0.05)
    # a box larger than the output at full size (cv2.resize): same points
    out = resample_box(x, (7, 3, 37, 33), (12, 12))
    np.testing.assert_allclose(out[0], 7 + (np.arange(12) + 0.5) * 2.5 - 0.5,
                               atol=0.05)


def test_fast_decoding_is_faithful(pairs):
    for path, gray in ((pairs[0]['rgb_path'], False),
                       (pairs[0]['ir_path'], True)):
        exact = decode(encoded(path, gray)).pixels
        fast = decode(encoded(path, gray)._replace(fast=True)).pixels
        assert fast.shape == exact.shape
        assert (fast != exact).any()  # the fast paths did run
        assert psnr(fast, exact) > MIN_PSNR
    with pytest.raises(ValueError, match="fast_jpeg needs decode='crop'"):
        LoadPairedImages(ir_color_type='grayscale', decode='device',
                         fast_jpeg=True)


def test_device_path_on_cpu_matches_the_cpu_pipeline(pairs):
    batches = {mode: default_collate(run(mode, pairs))
               for mode in ('full', 'crop', 'device')}
    preprocessor = PairedDataPreprocessor(rgb_mean=(0, 0, 0),
                                          rgb_std=(1, 1, 1),
                                          ir_mean=(0, ) * 3, ir_std=(1, ) * 3)
    outputs = {mode: preprocessor(batch) for mode, batch in batches.items()
               if mode != 'device'}
    preprocessor.decode_on_device = True
    outputs['device'] = preprocessor(batches['device'])
    for key in ('rgb', 'ir'):
        device = outputs['device']['inputs'][key]
        full = outputs['full']['inputs'][key]
        assert device.shape == full.shape == (18, 3, SCALE, SCALE)
        error = (device - full).abs()
        assert error.mean() < DEVICE_MEAN_TOLERANCE, key
        assert error.max() < DEVICE_MAX_TOLERANCE, key
        crop = outputs['crop']['inputs'][key]
        assert psnr(device.numpy(), crop.numpy()) > MIN_PSNR


def test_mismatched_switches_and_bad_files_raise(pairs, tmp_path,
                                                 write_image, random_image):
    batch = default_collate(run('device', pairs[:1]))
    with pytest.raises(TypeError, match='decode_on_device=True'):
        PairedDataPreprocessor()(batch)
    # decoded images (a validation pipeline decoding on the CPU) are only
    # normalised, as without decode_on_device
    decoded = default_collate(run('crop', pairs[:1]))
    torch.testing.assert_close(
        PairedDataPreprocessor(decode_on_device=True)(decoded)['inputs'],
        PairedDataPreprocessor()(decoded)['inputs'], rtol=0, atol=0)
    png = write_image(str(tmp_path / 'a.png'), random_image(0, (8, 10)))
    with pytest.raises(ValueError, match='a.png'):
        LoadPairedImages(ir_color_type='grayscale', decode='device')(
            {'rgb_path': png, 'ir_path': png})
    with pytest.raises(ValueError, match="ir_color_type='grayscale'"):
        LoadPairedImages(decode='crop')
    broken = tmp_path / 'broken.jpg'
    broken.write_bytes(b'\xff\xd8\xff not really')
    with pytest.raises(OSError, match='broken.jpg'):
        LoadPairedImages(ir_color_type='grayscale', decode='crop')(
            {'rgb_path': str(broken), 'ir_path': str(broken)})


def test_png_pairs_take_the_crop_path(tmp_path, write_image, random_image):
    rgb = write_image(str(tmp_path / 'rgb.png'), random_image(1, (30, 40, 3)))
    ir = write_image(str(tmp_path / 'ir.png'), random_image(2, (30, 40)))
    np.random.seed(0)
    out = pipeline('crop', scale=8)({'rgb_path': rgb, 'ir_path': ir})
    assert out['inputs']['rgb'].shape == (3, 8, 8)
    assert out['inputs']['ir'].shape == (1, 8, 8)
    assert out['inputs']['rgb'].dtype == torch.uint8


def test_exif_orientation_is_ignored_in_every_mode(tmp_path, random_image):
    """cv2 rotates an Orientation=6 JPEG by default; a square RGB image so
    rotated would train misaligned with its IR partner."""
    data = with_orientation_6(jpeg(random_image(0, (32, 32, 3))))
    rotated = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    stored = cv2.imdecode(np.frombuffer(data, np.uint8),
                          cv2.IMREAD_COLOR | cv2.IMREAD_IGNORE_ORIENTATION)
    assert np.abs(rotated.astype(int) - stored).mean() > 20
    rgb, ir = tmp_path / 'rgb.jpg', tmp_path / 'ir.jpg'
    rgb.write_bytes(data)
    ir.write_bytes(jpeg(random_image(1, (32, 32))))
    pair = {'rgb_path': str(rgb), 'ir_path': str(ir)}
    image = encoded(str(rgb))
    assert image_size(image) == (32, 32)
    loaded = LoadPairedImages(ir_color_type='grayscale', decode='full')(
        dict(pair))['img']
    np.testing.assert_array_equal(
        loaded, cv2.cvtColor(decode(image).pixels, cv2.COLOR_BGRA2BGR))
    # another decoder's build: rounding only
    assert np.abs(loaded.astype(int) - stored).max() <= 2
