"""The tensor forwards exported to ONNX: pixels in, predictions out.

Each graph starts with the model's own data preprocessing (BGR to RGB when
the config asks, mean and std), so a deployed model is fed the image as
the test pipeline loads it (``float32 [B, 3, H, W]``, 0-255, after resizing
and padding).
"""
import torch
import torch.nn.functional as F
from torch import Tensor, nn


class Normalise(nn.Module):
    """The channel flip and mean/std of an MMSeg or MMDet preprocessor.

    Args:
        preprocessor (nn.Module): ``SegDataPreProcessor`` or
            ``DetDataPreprocessor`` of the model.
    """

    def __init__(self, preprocessor: nn.Module) -> None:
        super().__init__()
        flip = getattr(preprocessor, 'channel_conversion', None)
        if flip is None:  # MMDet's name
            flip = preprocessor._channel_conversion
        self.flip = bool(flip)
        enabled = getattr(preprocessor, '_enable_normalize', True)
        mean = preprocessor.mean if enabled else torch.zeros(3, 1, 1)
        std = preprocessor.std if enabled else torch.ones(3, 1, 1)
        self.register_buffer('mean', mean.reshape(1, -1, 1, 1).float())
        self.register_buffer('std', std.reshape(1, -1, 1, 1).float())

    def forward(self, image: Tensor) -> Tensor:
        """``[B, 3, H, W]`` pixels -> the network's normalised input."""
        if self.flip:
            image = image.flip(1)
        return (image - self.mean) / self.std


class SegmentorGraph(nn.Module):
    """An MMSeg ``EncoderDecoder``: pixels -> logits at the input size.

    The decode head's logits are resized bilinearly to the input, as
    ``EncoderDecoder.encode_decode`` does for whole-image inference; the
    auxiliary head is not run. Sliding-window inference (``test_cfg.mode
    = 'slide'``) is the caller's: export at the window size and tile.

    Args:
        segmentor (nn.Module): The ``EncoderDecoder``, in eval mode.
    """

    def __init__(self, segmentor: nn.Module) -> None:
        super().__init__()
        self.normalise = Normalise(segmentor.data_preprocessor)
        self.segmentor = segmentor
        self.align_corners = segmentor.align_corners

    def forward(self, image: Tensor) -> Tensor:
        """Returns ``[B, num_classes, H, W]`` logits."""
        features = self.segmentor.extract_feat(self.normalise(image))
        logits = self.segmentor.decode_head(features)
        return F.interpolate(logits, size=image.shape[2:], mode='bilinear',
                             align_corners=self.align_corners)
