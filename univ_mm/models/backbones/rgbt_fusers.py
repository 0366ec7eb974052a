"""Per-level fusion of an RGB and a thermal feature map of one backbone.

Each fuser takes two NCHW maps of the same shape (RGB first) and returns
one of that shape. The learned ones start as the plain average of the two
maps, so a fused model begins as a mean of what the pretrained backbone
sees in each modality.
"""
import torch
from torch import Tensor, nn


class SumFusion(nn.Module):
    """``rgb + ir``; no parameters.

    Args:
        channels (int): Channels of both maps (unused; every fuser takes
            them).
    """

    def __init__(self, channels: int) -> None:
        super().__init__()

    def reset_parameters(self) -> None:
        """Nothing to initialise."""

    def forward(self, rgb: Tensor, ir: Tensor) -> Tensor:
        return rgb + ir


class ConcatFusion(nn.Module):
    """Concatenate on channels, then a 1x1 conv back to ``channels``.

    Initialised to the average: the conv's weight is ``[I / 2, I / 2]``
    and its bias zero.

    Args:
        channels (int): Channels of both maps and of the output.
    """

    def __init__(self, channels: int) -> None:
        super().__init__()
        self.conv = nn.Conv2d(2 * channels, channels, 1)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Make the conv the average of the two maps."""
        half_eye = torch.eye(self.conv.out_channels) / 2
        with torch.no_grad():
            self.conv.weight.copy_(
                torch.cat([half_eye, half_eye], 1)[..., None, None])
            self.conv.bias.zero_()

    def forward(self, rgb: Tensor, ir: Tensor) -> Tensor:
        return self.conv(torch.cat([rgb, ir], 1))


class GateFusion(nn.Module):
    """A per-sample, per-channel convex mix: ``w * rgb + (1 - w) * ir``.

    ``w = sigmoid(linear(cat(mean_hw(rgb), mean_hw(ir))))``, one weight per
    channel computed from both maps' global average pools (a 1x1 conv on
    the pooled maps). The linear layer starts at zero, so ``w = 0.5``: the
    average of the two maps.

    Args:
        channels (int): Channels of both maps and of the output.
    """

    def __init__(self, channels: int) -> None:
        super().__init__()
        self.gate = nn.Linear(2 * channels, channels)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Zero the gate: an even mix."""
        nn.init.zeros_(self.gate.weight)
        nn.init.zeros_(self.gate.bias)

    def forward(self, rgb: Tensor, ir: Tensor) -> Tensor:
        pooled = torch.cat([rgb.mean(dim=(2, 3)), ir.mean(dim=(2, 3))], 1)
        weight = self.gate(pooled).sigmoid()[..., None, None]
        return weight * rgb + (1 - weight) * ir


#: The fusers by the name ``RGBTFusionBackbone(fusion=...)`` takes.
FUSERS = dict(sum=SumFusion, concat=ConcatFusion, gate=GateFusion)
