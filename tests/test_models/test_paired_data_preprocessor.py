"""PairedDataPreprocessor: each modality with its own statistics."""
import numpy as np
import pytest
import torch
from torchvision.ops import roi_align

from univ_mm.models.data_preprocessors import PairedDataPreprocessor
from univ_mm.models.data_preprocessors.paired_data_preprocessor import (
    flip_batch,
    resample_boxes,
)


def test_normalises_each_modality_and_reorders_bgr():
    preprocessor = PairedDataPreprocessor(
        rgb_mean=(10, 20, 30), rgb_std=(1, 2, 5), ir_mean=(100, ) * 3,
        ir_std=(50, ) * 3)
    bgr = torch.tensor([30, 20, 10], dtype=torch.uint8).view(3, 1, 1)
    rgb_batch = bgr.expand(3, 2, 2).unsqueeze(0).repeat(2, 1, 1, 1)
    ir_batch = torch.full((2, 3, 2, 2), 200, dtype=torch.uint8)
    out = preprocessor(dict(inputs=dict(rgb=rgb_batch, ir=ir_batch),
                            data_samples=None))
    rgb, ir = out['inputs']['rgb'], out['inputs']['ir']
    assert rgb.dtype == ir.dtype == torch.float32
    # B,G,R = 30,20,10 becomes R,G,B = 10,20,30: exactly the mean
    torch.testing.assert_close(rgb, torch.zeros(2, 3, 2, 2))
    torch.testing.assert_close(ir, torch.full((2, 3, 2, 2), 2.0))


def test_accepts_lists_of_images():
    preprocessor = PairedDataPreprocessor()
    images = [torch.zeros(3, 4, 4, dtype=torch.uint8)] * 3
    out = preprocessor(dict(inputs=dict(rgb=images, ir=images)))
    assert out['inputs']['rgb'].shape == (3, 3, 4, 4)
    expected = -136.12 / 64.23
    torch.testing.assert_close(out['inputs']['ir'][0, 0, 0, 0],
                               torch.tensor(expected))


def test_one_channel_ir_becomes_three_identical_channels():
    preprocessor = PairedDataPreprocessor()
    ir = torch.randint(0, 256, (2, 1, 4, 4), dtype=torch.uint8)
    out = preprocessor(dict(inputs=dict(rgb=ir.expand(2, 3, 4, 4), ir=ir)))
    expected = (ir.float() - 136.12) / 64.23
    assert out['inputs']['ir'].shape == (2, 3, 4, 4)
    for channel in range(3):
        torch.testing.assert_close(out['inputs']['ir'][:, channel:channel + 1],
                                   expected)


def _encoded_batch(tmp_path, num_pairs=3,
                   shapes=((40, 48), (40, 48), (32, 56))):
    """A collated decode='device' batch of textured JPEG pairs (one pair
    of another size when ``shapes`` says so) and the same pairs decoded on
    the CPU with decode='full'."""
    from mmcv.transforms import Compose
    from mmengine.dataset import default_collate

    from univ_mm.synthetic.textured_pairs import write_textured_pairs
    pairs = [write_textured_pairs(str(tmp_path / f'set{i}'), 1, shape)[0]
             for i, shape in enumerate(shapes[:num_pairs])]
    batches = {}
    for mode in ('device', 'full'):
        np.random.seed(5)
        pipeline = Compose([
            dict(type='LoadPairedImages', ir_color_type='grayscale',
                 decode=mode),
            dict(type='PairedRandomResizedCrop', scale=(24, 20)),
            dict(type='PairedRandomFlip', prob=0.5),
            dict(type='PackPairedInputs')])
        batches[mode] = default_collate(
            [pipeline(dict(pair)) for pair in pairs for _ in range(2)])
    return batches


def test_each_batch_is_decoded_or_only_normalised(tmp_path):
    """decode_on_device=True decodes batches of JPEG bytes and only
    normalises batches of images (a validation pipeline that decodes on
    the CPU), exactly as decode_on_device=False does."""
    batches = _encoded_batch(tmp_path)
    on_device = PairedDataPreprocessor(decode_on_device=True)
    plain = PairedDataPreprocessor()
    decoded = on_device(batches['device'])['inputs']
    reference = plain(batches['full'])['inputs']
    for key in ('rgb', 'ir'):
        assert decoded[key].shape == reference[key].shape == (6, 3, 20, 24)
        # pixel units: the CPU path rounds to uint8 (std 64.23 for IR)
        scale = plain.rgb_std if key == 'rgb' else plain.ir_std
        error = ((decoded[key] - reference[key]) * scale).abs()
        assert error.mean() < 0.3 and error.max() < 0.8, key
    normalised = on_device(batches['full'])['inputs']
    for key in ('rgb', 'ir'):
        torch.testing.assert_close(normalised[key], reference[key],
                                   rtol=0, atol=0)
    with pytest.raises(TypeError, match='decode_on_device=True'):
        plain(batches['device'])


def test_images_of_several_sizes_resample_as_one_by_one(tmp_path):
    """Grouped roi_align (one box tensor per batch) equals resampling each
    image alone, in the batch's order."""
    images = [torch.rand(3, 40, 48) * 255, torch.rand(3, 32, 56) * 255,
              torch.rand(3, 40, 48) * 255]
    boxes = [(2, 3, 40, 35), (0, 0, 56, 32), (10, 5, 30, 38)]
    batch = resample_boxes(images, boxes, (16, 12))
    for image, box, crop in zip(images, boxes, batch, strict=True):
        alone = roi_align(image[None], [torch.tensor([box]).float()],
                          (16, 12), sampling_ratio=1, aligned=True)
        torch.testing.assert_close(crop, alone[0])


def test_flip_batch_flips_each_image_by_its_direction():
    images = torch.arange(4 * 2 * 3, dtype=torch.float32).view(4, 1, 2, 3)
    flipped = flip_batch(images.clone(),
                         [None, 'horizontal', 'vertical', 'diagonal'])
    torch.testing.assert_close(flipped[0], images[0])
    torch.testing.assert_close(flipped[1], images[1].flip(-1))
    torch.testing.assert_close(flipped[2], images[2].flip(-2))
    torch.testing.assert_close(flipped[3], images[3].flip(-2, -1))


def test_bytes_without_the_crop_metainfo_name_what_to_add(tmp_path):
    batch = _encoded_batch(tmp_path, num_pairs=1)['device']
    for sample in batch['data_samples']:
        del sample.crop_bbox
    with pytest.raises(KeyError, match='crop_bbox'):
        PairedDataPreprocessor(decode_on_device=True)(batch)
    mixed = dict(inputs=dict(rgb=batch['inputs']['rgb'],
                             ir=torch.zeros(2, 1, 20, 24, dtype=torch.uint8)))
    with pytest.raises(TypeError, match='both be JPEG bytes or both images'):
        PairedDataPreprocessor(decode_on_device=True)(mixed)
