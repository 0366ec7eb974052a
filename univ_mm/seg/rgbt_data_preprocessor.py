"""MMSegmentation's data preprocessor for fused RGB-thermal (RGB-T) images."""
from mmseg.models import SegDataPreProcessor

from univ_mm.models.data_preprocessors.rgbt_channels import RGBTChannelsMixin
from univ_mm.registry import MODELS


@MODELS.register_module()
class RGBTSegDataPreProcessor(RGBTChannelsMixin, SegDataPreProcessor):
    """:class:`mmseg.models.SegDataPreProcessor` for 6-channel RGB-T images.

    Each image holds the RGB image in BGR order (channels 0-2) and the
    thermal image (3-5), as ``LoadRGBTImages`` gives. With ``bgr_to_rgb``
    channels 0-2 are reversed and 3-5 kept; then each modality is
    normalised with its own mean and std, and the batch is padded (to
    ``size`` or ``size_divisor``) and stacked as the parent does.

    Args:
        rgb_mean (Sequence[float]): RGB mean, RGB order (3 values).
        rgb_std (Sequence[float]): RGB std (3 values).
        ir_mean (Sequence[float]): Thermal mean (3 values).
        ir_std (Sequence[float]): Thermal std (3 values).
        bgr_to_rgb (bool): Reverse the RGB channels. Defaults to True.
        **kwargs: The other arguments of
            :class:`mmseg.models.SegDataPreProcessor` (``size``,
            ``pad_val``, ...); not ``mean``, ``std`` or ``rgb_to_bgr``.
    """
