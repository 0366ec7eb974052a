"""Data preprocessor for aligned RGB/IR pairs."""
from collections.abc import Sequence

import torch
from mmengine.model import BaseDataPreprocessor
from torch import Tensor

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
    """

    def __init__(self,
                 rgb_mean: Sequence[float] = IMAGENET_MEAN,
                 rgb_std: Sequence[float] = IMAGENET_STD,
                 ir_mean: Sequence[float] = MVIP_IR_MEAN,
                 ir_std: Sequence[float] = MVIP_IR_STD,
                 bgr_to_rgb: bool = True,
                 non_blocking: bool = False) -> None:
        super().__init__(non_blocking=non_blocking)
        self.bgr_to_rgb = bgr_to_rgb
        for name, values in dict(rgb_mean=rgb_mean, rgb_std=rgb_std,
                                 ir_mean=ir_mean, ir_std=ir_std).items():
            self.register_buffer(
                name, torch.tensor(values).view(-1, 1, 1), persistent=False)

    def _normalise(self, images: Tensor | list[Tensor], mean: Tensor,
                   std: Tensor) -> Tensor:
        if isinstance(images, (list, tuple)):
            images = torch.stack(images)
        images = self.cast_data(images).float()
        if self.bgr_to_rgb and images.shape[1] == 3:
            images = images.flip(1)
        return (images - mean) / std

    def forward(self, data: dict, training: bool = False) -> dict:
        """Return ``dict(inputs=dict(rgb=..., ir=...), data_samples=...)``.

        Both tensors are float ``[B, C, H, W]`` on the model's device.
        """
        inputs = data['inputs']
        return dict(
            inputs=dict(
                rgb=self._normalise(inputs['rgb'], self.rgb_mean,
                                    self.rgb_std),
                ir=self._normalise(inputs['ir'], self.ir_mean, self.ir_std)),
            data_samples=self.cast_data(data.get('data_samples')))
