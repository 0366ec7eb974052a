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

    With ``decode_on_device=True`` a batch may instead hold the JPEG bytes
    of ``LoadPairedImages(decode='device')``: they are decoded here on the
    model's device by :func:`torchvision.io.decode_jpeg` (nvJPEG on a GPU;
    RGB, and IR as luminance), the box ``crop_bbox`` of each sample's
    metainfo is resampled to its ``img_shape`` with
    :func:`torchvision.ops.roi_align` (bilinear, pixel centres aligned: the
    sampling of the CPU pipeline; one call per group of images of one size)
    and flipped by ``flip_direction``. The choice is made per batch: a
    batch of decoded tensors (e.g. the validation pipeline's, which
    decodes on the CPU) is only normalised, so training can decode on the
    device while validation does not.

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
        decode_on_device (bool): Decode, crop and flip batches of JPEG
            bytes here (batches of images are only normalised); without
            it a batch of bytes is an error naming the switch. Defaults to
            False.
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

    def _decode(self, encoded: Sequence[bytes], samples: Sequence | None,
                grayscale: bool) -> Tensor:
        """Decode JPEG bytes, resample each sample's box, flip: ``[B, C,
        h, w]`` float (C is 1 for ``grayscale``, else 3 in RGB order)."""
        if samples is None or any(
                key not in sample.metainfo_keys() for sample in samples
                for key in ('crop_bbox', 'img_shape')):
            raise KeyError(
                'PairedDataPreprocessor: decoding JPEG bytes needs each '
                "data sample's crop_bbox and img_shape metainfo; end the "
                "pipeline in PairedRandomResizedCrop and PackPairedInputs "
                "after LoadPairedImages(decode='device').")
        out_shapes = {tuple(sample.img_shape) for sample in samples}
        if len(out_shapes) > 1:
            raise ValueError(
                'PairedDataPreprocessor: the crops of one batch must share '
                f'their img_shape, got {sorted(out_shapes)}; give '
                'PairedRandomResizedCrop one scale.')
        mode = ImageReadMode.GRAY if grayscale else ImageReadMode.RGB
        images = decode_jpeg(
            [torch.frombuffer(bytearray(data), dtype=torch.uint8)
             for data in encoded], mode=mode, device=self._device)
        crops = resample_boxes(images, [s.crop_bbox for s in samples],
                               out_shapes.pop(), self._to_device)
        return flip_batch(crops, [s.get('flip_direction') for s in samples])

    def _to_device(self, tensor: Tensor) -> Tensor:
        """A small CPU tensor on the device: one asynchronous copy from
        pinned memory on a GPU."""
        if self._device.type == 'cuda':
            return tensor.pin_memory().to(self._device, non_blocking=True)
        return tensor.to(self._device)

    def forward(self, data: dict, training: bool = False) -> dict:
        """Return ``dict(inputs=dict(rgb=..., ir=...), data_samples=...)``.

        Both tensors are float ``[B, C, H, W]`` on the model's device.
        """
        inputs, samples = data['inputs'], data.get('data_samples')
        rgb, ir = inputs['rgb'], inputs['ir']
        encoded = is_encoded(rgb)
        if encoded != is_encoded(ir):
            raise TypeError(
                'PairedDataPreprocessor: the rgb and ir inputs of a batch '
                'must both be JPEG bytes or both images; check the '
                'pipeline.')
        if encoded and not self.decode_on_device:
            raise TypeError(
                "The pipeline left JPEG bytes (LoadPairedImages(decode="
                "'device')): set model.data_preprocessor.decode_on_device="
                "True, or decode='crop' in the pipeline.")
        if encoded:
            rgb = self._decode(rgb, samples, grayscale=False)
            ir = self._decode(ir, samples, grayscale=True)
        return dict(
            inputs=dict(
                rgb=self._normalise(rgb, self.rgb_mean, self.rgb_std,
                                    bgr=not encoded),
                ir=self._normalise(ir, self.ir_mean, self.ir_std)),
            data_samples=self.cast_data(samples))


def is_encoded(images) -> bool:
    """Whether a batch holds encoded bytes (a list of ``bytes``) rather
    than images."""
    return isinstance(images, (list, tuple)) and bool(images) and isinstance(
        images[0], (bytes, bytearray, memoryview))


def resample_boxes(images: Sequence[Tensor], boxes: Sequence[Sequence[int]],
                   out_shape: Sequence[int],
                   to_device=lambda tensor: tensor) -> Tensor:
    """Bilinear resampling of one box (``x1, y1, x2, y2``) of each ``[C, H,
    W]`` image to ``out_shape`` (``h, w``), output pixel centres spread
    evenly over the box (as the CPU pipeline's
    :func:`univ_mm.image_codecs.decoding.resample_box`).

    The boxes travel to the images' device as one tensor; images of one
    size are stacked and resampled by one :func:`roi_align` call.

    Args:
        images (Sequence[Tensor]): ``[C, H, W]`` images on one device.
        boxes (Sequence[Sequence[int]]): One box per image, full-size
            pixels.
        out_shape (Sequence[int]): ``(h, w)``.
        to_device (Callable): Moves a CPU tensor to the images' device.
            Defaults to the identity (CPU images).

    Returns:
        Tensor: ``[B, C, h, w]`` float, in the order of ``images``.
    """
    groups: dict[tuple, list[int]] = {}
    for index, image in enumerate(images):
        groups.setdefault(tuple(image.shape), []).append(index)
    order = [i for indices in groups.values() for i in indices]
    # roi_align rows (k, x1, y1, x2, y2), k the position in the group
    rows = torch.tensor(
        [[k, *boxes[i]] for indices in groups.values()
         for k, i in enumerate(indices)], dtype=torch.float32)
    if len(groups) > 1:  # the inverse permutation, to restore the order
        inverse = torch.empty(len(order), dtype=torch.long)
        inverse[torch.tensor(order)] = torch.arange(len(order))
        rows = torch.cat([rows, inverse[:, None].float()], dim=1)
    rows = to_device(rows)
    crops, start = [], 0
    for indices in groups.values():
        stop = start + len(indices)
        crops.append(roi_align(
            torch.stack([images[i] for i in indices]).float(),
            rows[start:stop, :5], tuple(out_shape), sampling_ratio=1,
            aligned=True))
        start = stop
    if len(groups) == 1:
        return crops[0]
    return torch.cat(crops)[rows[:, 5].long()]


def flip_batch(images: Tensor, directions: Sequence[str | None]) -> Tensor:
    """Flip each image of a ``[B, C, H, W]`` batch by its direction
    (``None``: no flip), one indexing per direction present."""
    for direction in set(directions) - {None}:
        indices = [i for i, d in enumerate(directions) if d == direction]
        index = torch.tensor(indices, device=images.device)
        images[index] = flip_image(images[index], direction)
    return images


def flip_image(images: Tensor, direction: str | None) -> Tensor:
    """Flip ``[..., H, W]`` as :func:`mmcv.imflip` does (``None``: no
    flip)."""
    dims = {None: (), 'horizontal': (-1, ), 'vertical': (-2, ),
            'diagonal': (-2, -1)}[direction]
    return images.flip(dims) if dims else images
