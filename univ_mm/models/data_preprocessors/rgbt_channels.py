"""Channel order and statistics of fused RGB-thermal (RGB-T) batches.

Shared by the segmentation and detection data preprocessors of
:mod:`univ_mm.seg` and :mod:`univ_mm.det` (:class:`RGBTChannelsMixin`). A
fused image has 6 channels: the RGB image in BGR order (0-2), then the
thermal image (3-5), see :mod:`univ_mm.datasets.transforms.rgbt`.
"""
from collections.abc import Sequence

import torch
from torch import Tensor

#: Channels of a fused image with its first 3 reversed (BGR to RGB).
RGBT_BGR_TO_RGB = (2, 1, 0, 3, 4, 5)
#: Arguments of the parent preprocessors that the RGB-T ones replace.
REPLACED_ARGS = dict(mean='rgb_mean and ir_mean', std='rgb_std and ir_std',
                     rgb_to_bgr='bgr_to_rgb')


def check_parent_args(kwargs: dict, cls: str) -> None:
    """Refuse parent arguments that the RGB-T statistics replace.

    Args:
        kwargs (dict): Arguments passed on to the parent preprocessor.
        cls (str): The preprocessor's name, for the message.
    """
    for name, instead in REPLACED_ARGS.items():
        if name in kwargs:
            raise TypeError(f'{cls} takes no {name!r}: it sets the 6 '
                            f'channels per modality; give {instead}.')


def rgbt_stats(rgb_mean: Sequence[float], rgb_std: Sequence[float],
               ir_mean: Sequence[float], ir_std: Sequence[float]
               ) -> tuple[list[float], list[float]]:
    """The 6-channel mean and std: RGB's (RGB order), then thermal's.

    Args:
        rgb_mean, rgb_std (Sequence[float]): 3 values each, RGB order.
        ir_mean, ir_std (Sequence[float]): 3 values each.

    Returns:
        tuple[list[float], list[float]]: ``(mean, std)``, 6 values each.
    """
    stats = dict(rgb_mean=rgb_mean, rgb_std=rgb_std, ir_mean=ir_mean,
                 ir_std=ir_std)
    for name, values in stats.items():
        if len(values) != 3:
            raise ValueError(f'{name} needs 3 values (one per channel of '
                             f'the modality), got {list(values)}')
    return ([*rgb_mean, *ir_mean], [*rgb_std, *ir_std])


def rgbt_bgr_to_rgb(inputs: Tensor | Sequence[Tensor]
                    ) -> Tensor | list[Tensor]:
    """Reverse channels 0-2 of fused images, keep channels 3-5.

    Args:
        inputs (Tensor | Sequence[Tensor]): A ``[B, 6, H, W]`` batch or
            ``[6, H, W]`` images.

    Returns:
        Tensor | list[Tensor]: The same layout, RGB channels in RGB order.
    """
    if isinstance(inputs, Tensor):
        return _reorder(inputs)
    return [_reorder(image) for image in inputs]


def _reorder(images: Tensor) -> Tensor:
    """:data:`RGBT_BGR_TO_RGB` on the channel axis (``-3``)."""
    if images.dim() < 3 or images.shape[-3] != len(RGBT_BGR_TO_RGB):
        raise ValueError(
            f'RGB-T data preprocessors need fused images of '
            f'{len(RGBT_BGR_TO_RGB)} channels ([6, H, W], from '
            f'LoadRGBTImages), got shape {tuple(images.shape)}')
    return images[..., RGBT_BGR_TO_RGB, :, :]


class RGBTChannelsMixin:
    """Per-modality statistics and BGR-to-RGB order for an MMEngine
    ``ImgDataPreprocessor`` subclass of 6-channel RGB-T images.

    Put it first among the bases. The parent is built without statistics
    (MMEngine's accepts 1 or 3 values) and with ``bgr_to_rgb=False`` (it
    would reverse all 6 channels); the mixin then sets the parent's
    ``mean`` and ``std`` buffers to the 6 values of :func:`rgbt_stats` and
    turns its normalisation on. :meth:`forward` reverses channels 0-2, then
    runs the parent's (normalisation, padding, stacking...).

    Args:
        rgb_mean (Sequence[float]): RGB mean, RGB order (3 values).
        rgb_std (Sequence[float]): RGB std (3 values).
        ir_mean (Sequence[float]): Thermal mean (3 values).
        ir_std (Sequence[float]): Thermal std (3 values).
        bgr_to_rgb (bool): Reverse the RGB channels. Defaults to True.
        **kwargs: The parent's other arguments; not ``mean``, ``std`` or
            ``rgb_to_bgr``.
    """

    def __init__(self, rgb_mean: Sequence[float], rgb_std: Sequence[float],
                 ir_mean: Sequence[float], ir_std: Sequence[float],
                 bgr_to_rgb: bool = True, **kwargs) -> None:
        check_parent_args(kwargs, type(self).__name__)
        stats = rgbt_stats(rgb_mean, rgb_std, ir_mean, ir_std)
        super().__init__(bgr_to_rgb=False, **kwargs)
        for name, values in zip(('mean', 'std'), stats, strict=True):
            self.register_buffer(name, torch.tensor(values).view(-1, 1, 1),
                                 persistent=False)
        self._enable_normalize = True
        self.rgbt_bgr_to_rgb = bgr_to_rgb

    def forward(self, data: dict, training: bool = False) -> dict:
        """Reorder the RGB channels, then run the parent's forward.

        Args:
            data (dict): ``inputs`` (``[6, H, W]`` images or a batch) and
                ``data_samples``, from the dataloader.
            training (bool): Whether training. Defaults to False.

        Returns:
            dict: The parent's output.
        """
        if self.rgbt_bgr_to_rgb:
            data = dict(data, inputs=rgbt_bgr_to_rgb(data['inputs']))
        return super().forward(data, training)
