"""ViTDet's simple feature pyramid: strides 4-32 (+64) from one ViT map.

Exploring Plain Vision Transformer Backbones for Object Detection (ViTDet),
https://arxiv.org/abs/2203.16527
"""
from collections.abc import Sequence

import torch.nn.functional as F
from mmcv.cnn import ConvModule, build_norm_layer
from torch import Tensor, nn

from univ_mm.registry import MODELS

#: LayerNorm over the channels of NCHW maps, as in ViTDet (MMPretrain's).
LN2D = dict(type='mmpretrain.LN2d')


def _rescale_stage(scale: float, channels: int, norm_cfg: dict
                   ) -> tuple[nn.Module, int]:
    """Resampling of one level and its output channels (ViTDet's rule).

    x4: two 2x2 stride-2 deconvolutions with norm and GELU between (C/4
    channels); x2: one deconvolution (C/2); x1: identity; x0.5: 2x2 max-pool.
    """
    if scale == 4.0:
        return nn.Sequential(
            nn.ConvTranspose2d(channels, channels // 2, 2, stride=2),
            build_norm_layer(norm_cfg, channels // 2)[1], nn.GELU(),
            nn.ConvTranspose2d(channels // 2, channels // 4, 2, stride=2),
        ), channels // 4
    if scale == 2.0:
        return nn.ConvTranspose2d(channels, channels // 2, 2,
                                  stride=2), channels // 2
    if scale == 1.0:
        return nn.Identity(), channels
    if scale == 0.5:
        return nn.MaxPool2d(kernel_size=2, stride=2), channels
    raise ValueError(f'scale_factors may hold 4.0, 2.0, 1.0 and 0.5; '
                     f'got {scale}')


@MODELS.register_module()
class SimpleFeaturePyramid(nn.Module):
    """Multi-scale maps for a detector from a plain ViT's last feature map.

    Each level resamples the single input map (see :func:`_rescale_stage`),
    then a 1x1 and a 3x3 convolution, each followed by a norm, project it to
    ``out_channels``. Levels beyond ``scale_factors`` are added by max-pooling
    the last one with stride 2 (ViTDet's P6 for the RPN).

    Args:
        in_channels (int): Channels of the backbone map (its embed dims).
        out_channels (int): Channels of every output level.
            Defaults to 256.
        scale_factors (Sequence[float]): Resampling of each level relative to
            the input map; with a stride-16 ViT, (4, 2, 1, 0.5) gives strides
            4, 8, 16 and 32. Defaults to (4.0, 2.0, 1.0, 0.5).
        num_outs (int): Number of output levels, at least
            ``len(scale_factors)``. Defaults to 5.
        norm_cfg (dict, optional): Norm after each convolution and inside the
            x4 branch. Defaults to None (MMPretrain's ``LN2d``).
    """

    def __init__(self,
                 in_channels: int,
                 out_channels: int = 256,
                 scale_factors: Sequence[float] = (4.0, 2.0, 1.0, 0.5),
                 num_outs: int = 5,
                 norm_cfg: dict | None = None) -> None:
        super().__init__()
        if num_outs < len(scale_factors):
            raise ValueError(f'num_outs={num_outs} is smaller than the '
                             f'{len(scale_factors)} scale_factors')
        norm_cfg = norm_cfg or LN2D
        self.num_outs = num_outs
        self.stages = nn.ModuleList()
        for scale in scale_factors:
            resample, channels = _rescale_stage(
                float(scale), in_channels, norm_cfg)
            self.stages.append(nn.Sequential(
                resample,
                ConvModule(channels, out_channels, 1, norm_cfg=norm_cfg,
                           act_cfg=None),
                ConvModule(out_channels, out_channels, 3, padding=1,
                           norm_cfg=norm_cfg, act_cfg=None)))

    def forward(self, inputs: Sequence[Tensor]) -> tuple[Tensor, ...]:
        """Build the pyramid from the last map of ``inputs``.

        Args:
            inputs (Sequence[Tensor]): Backbone maps; only the last one,
                ``[B, in_channels, h, w]``, is used.

        Returns:
            tuple[Tensor]: ``num_outs`` maps ``[B, out_channels, h*s, w*s]``
            for each scale ``s``, then the extra pooled levels.
        """
        x = inputs[-1]
        outs = [stage(x) for stage in self.stages]
        while len(outs) < self.num_outs:
            outs.append(F.max_pool2d(outs[-1], kernel_size=1, stride=2))
        return tuple(outs)
