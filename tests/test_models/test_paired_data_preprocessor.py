"""PairedDataPreprocessor: each modality with its own statistics."""
import torch

from univ_mm.models.data_preprocessors import PairedDataPreprocessor


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
