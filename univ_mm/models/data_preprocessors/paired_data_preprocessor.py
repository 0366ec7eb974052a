"""Data preprocessor for aligned RGB/IR pairs."""
from collections.abc import Sequence

import torch
from mmengine.model import BaseDataPreprocessor
from torch import Tensor
from torchvision.io import ImageReadMode, decode_jpeg
from torchvision.ops import roi_align

from univ_mm.registry import MODELS

IMAGENET_MEAN = (123.675, 116.28, 103.53)
IMAGENET_STD = (58.395, 57.12, 57.375)
#: MVIP infrared statistics of the official release (0.5338 / 0.2519 x 255).
MVIP_IR_MEAN = (136.12, ) * 3
MVIP_IR_STD = (64.23, ) * 3


@MODELS.register_module()
class PairedDataPreprocessor(BaseDataPreprocessor):
    """Stack, move and normalise RGB and IR batches, each with its own stats.

    Expects ``data['inputs']`` as ``dict(rgb=..., ir=...)`` where each value
    is a uint8 batch ``[B, C, H, W]`` or a list of ``[C, H, W]`` images, in
    the BGR order images are decoded in. A one-channel IR batch is
    broadcast to as many channels as ``ir_mean`` has (3 identical channels
    by default), so the pipeline can crop and resize IR as one channel.

    With ``decode_on_device=True`` the pipeline ends in
    ``LoadPairedImages(decode='device')``'s JPEG bytes instead: they are
    decoded here on the model's device by
    :func:`torchvision.io.decode_jpeg` (nvJPEG on a GPU; RGB, and IR as
    luminance), the box ``crop_bbox`` of each sample's metainfo is
    resampled to its ``img_shape`` with
    :func:`torchvision.ops.roi_align` (bilinear, pixel centres aligned:
    the sampling of the CPU pipeline) and flipped by ``flip_direction``.

    Args:
        rgb_mean (Sequence[float]): Per-channel RGB mean, RGB order.
            Defaults to the ImageNet mean.
        rgb_std (Sequence[float]): Per-channel RGB std. Defaults to the
            ImageNet std.
        ir_mean (Sequence[float]): Per-channel IR mean. Defaults to MVIP's.
        ir_std (Sequence[float]): Per-channel IR std. Defaults to MVIP's.
        bgr_to_rgb (bool): Reverse the channels of 3-channel inputs.
            Defaults to True.
        non_blocking (bool): Asynchronous host-to-device copies.
            Defaults to False.
        decode_on_device (bool): Decode, crop and flip JPEG bytes here.
            Defaults to False.
    """

    def __init__(self,
                 rgb_mean: Sequence[float] = IMAGENET_MEAN,
                 rgb_std: Sequence[float] = IMAGENET_STD,
                 ir_mean: Sequence[float] = MVIP_IR_MEAN,
                 ir_std: Sequence[float] = MVIP_IR_STD,
                 bgr_to_rgb: bool = True,
                 non_blocking: bool = False,
                 decode_on_device: bool = False) -> None:
        super().__init__(non_blocking=non_blocking)
        self.bgr_to_rgb = bgr_to_rgb
        self.decode_on_device = decode_on_device
        for name, values in dict(rgb_mean=rgb_mean, rgb_std=rgb_std,
                                 ir_mean=ir_mean, ir_std=ir_std).items():
            self.register_buffer(
                name, torch.tensor(values).view(-1, 1, 1), persistent=False)

    def _normalise(self, images: Tensor | list[Tensor], mean: Tensor,
                   std: Tensor, bgr: bool = True) -> Tensor:
        if isinstance(images, (list, tuple)):
            images = torch.stack(images)
        images = self.cast_data(images).float()
        if bgr and self.bgr_to_rgb and images.shape[1] == 3:
            images = images.flip(1)
        return (images - mean) / std

    def _decode(self, encoded: list[bytes], samples: list,
                grayscale: bool) -> Tensor:
        """Decode JPEG bytes, resample each sample's box, flip: ``[B, C,
        h, w]`` float (C is 1 for ``grayscale``, else 3 in RGB order)."""
        if not isinstance(encoded[0], bytes) or samples is None:
            raise TypeError(
                'PairedDataPreprocessor(decode_on_device=True) needs the '
                "JPEG bytes and metainfo of LoadPairedImages(decode='device')"
                f', got {type(encoded[0]).__name__} inputs; set decode='
                "'device' in the pipeline or decode_on_device=False.")
        mode = ImageReadMode.GRAY if grayscale else ImageReadMode.RGB
        images = decode_jpeg(
            [torch.frombuffer(bytearray(data), dtype=torch.uint8)
             for data in encoded], mode=mode, device=self._device)
        return torch.cat([
            flip_image(resample_box(image, sample.crop_bbox,
                                    sample.img_shape),
                       sample.get('flip_direction'))
            for image, sample in zip(images, samples, strict=True)])

    def forward(self, data: dict, training: bool = False) -> dict:
        """Return ``dict(inputs=dict(rgb=..., ir=...), data_samples=...)``.

        Both tensors are float ``[B, C, H, W]`` on the model's device.
        """
        inputs, samples = data['inputs'], data.get('data_samples')
        rgb, ir = inputs['rgb'], inputs['ir']
        if self.decode_on_device:
            rgb = self._decode(rgb, samples, grayscale=False)
            ir = self._decode(ir, samples, grayscale=True)
        elif isinstance(rgb, (list, tuple)) and isinstance(rgb[0], bytes):
            raise TypeError(
                "The pipeline left JPEG bytes (LoadPairedImages(decode="
                "'device')): set model.data_preprocessor.decode_on_device="
                "True, or decode='crop' in the pipeline.")
        return dict(
            inputs=dict(
                rgb=self._normalise(rgb, self.rgb_mean, self.rgb_std,
                                    bgr=not self.decode_on_device),
                ir=self._normalise(ir, self.ir_mean, self.ir_std)),
            data_samples=self.cast_data(samples))


def resample_box(image: Tensor, box: Sequence[int],
                 out_shape: Sequence[int]) -> Tensor:
    """Bilinear resampling of ``box`` (``x1, y1, x2, y2``) of a ``[C, H,
    W]`` image to ``out_shape`` (``h, w``): ``[1, C, h, w]`` float, output
    pixel centres spread evenly over the box (as the CPU pipeline's
    :func:`univ_mm.datasets.transforms.decoding.resample_box`)."""
    boxes = torch.tensor([list(box)], dtype=torch.float32,
                         device=image.device)
    return roi_align(image[None].float(), [boxes], tuple(out_shape),
                     sampling_ratio=1, aligned=True)


def flip_image(images: Tensor, direction: str | None) -> Tensor:
    """Flip ``[..., H, W]`` as :func:`mmcv.imflip` does (``None``: no
    flip)."""
    dims = {None: (), 'horizontal': (-1, ), 'vertical': (-2, ),
            'diagonal': (-2, -1)}[direction]
    return images.flip(dims) if dims else images
