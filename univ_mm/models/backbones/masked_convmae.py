"""The ConvMAE encoder of masked-image-modelling pre-training.

ConvMAE: Masked Convolution Meets Masked Autoencoders,
https://arxiv.org/abs/2205.03892. As MMPretrain's ``MAEViT`` holds MAE's
masking, :class:`MaskedConvMAE` holds ConvMAE's: the mask is drawn at the
stride-16 token grid and carried down to the convolution stages as blocks
(one token = 4x4 stage-1 and 2x2 stage-2 positions); masked positions are
zeroed before every depthwise convolution, so no visible feature sees a
masked pixel.
"""
import torch
import torch.nn.functional as F
from mmpretrain.models.utils import resize_pos_embed
from torch import Tensor, nn

from univ_mm.registry import MODELS

from .univ_convmae import UNIVConvMAE


def random_token_mask(batch: int, length: int, mask_ratio: float,
                      device: torch.device) -> tuple[Tensor, Tensor, Tensor]:
    """MAE's per-sample random masking of ``length`` tokens.

    Returns:
        tuple[Tensor, Tensor, Tensor]: Ids of the kept tokens ``[B, K]``,
        the ids that restore the original order ``[B, L]`` and the mask
        ``[B, L]`` (1 masked, 0 kept).
    """
    keep = int(length * (1 - mask_ratio))
    shuffle = torch.rand(batch, length, device=device).argsort(dim=1)
    restore = shuffle.argsort(dim=1)
    mask = torch.ones(batch, length, device=device)
    mask[:, :keep] = 0
    return shuffle[:, :keep], restore, mask.gather(1, restore)


def gather_tokens(tokens: Tensor, ids: Tensor) -> Tensor:
    """``tokens[b, ids[b]]`` for ``[B, L, C]`` tokens and ``[B, K]`` ids."""
    return tokens.gather(1, ids[..., None].expand(-1, -1, tokens.shape[-1]))


@MODELS.register_module()
class MaskedConvMAE(UNIVConvMAE):
    """:class:`UNIVConvMAE` with ConvMAE's masking and multi-scale fusion.

    Adds the release's fusion (``stage{1,2}_output_decode``: stride-4 and
    stride-2 convolutions that bring stages 1 and 2 to the token grid,
    added to the visible tokens before the final norm) and keeps the
    position embedding fixed (sin-cos), as the release does. A later UNIV
    or downstream run loads it as a plain ``UNIVConvMAE``; the two fusion
    convolutions are left out there and logged.

    Args:
        mask_ratio (float): Share of tokens masked. Defaults to 0.75.
        **kwargs: Arguments of :class:`UNIVConvMAE`.
    """

    def __init__(self, mask_ratio: float = 0.75, **kwargs) -> None:
        super().__init__(**kwargs)
        self.mask_ratio = mask_ratio
        dims = self.arch_settings['embed_dims']
        self.stage1_output_decode = nn.Conv2d(dims[0], dims[2], 4, stride=4)
        self.stage2_output_decode = nn.Conv2d(dims[1], dims[2], 2, stride=2)
        self.pos_embed.requires_grad = False
        self._visible: Tensor | None = None
        for stage in (1, 2):
            for block in getattr(self, f'blocks{stage}'):
                block.attn.register_forward_pre_hook(self._mask_positions)

    def _mask_positions(self, module: nn.Module,
                        args: tuple[Tensor]) -> tuple[Tensor] | None:
        """Zero the masked positions before a depthwise convolution."""
        if self._visible is None:
            return None
        visible = F.interpolate(self._visible, size=args[0].shape[-2:])
        return (args[0] * visible, )

    def forward(self, x: Tensor, mask: bool = True):
        """Visible tokens of a masked forward, or the plain maps.

        Args:
            x (Tensor): Images ``[B, 3, H, W]``.
            mask (bool): False gives :meth:`UNIVConvMAE.forward`'s maps.

        Returns:
            tuple[Tensor, Tensor, Tensor]: Final-norm visible tokens
            ``[B, K, C]``, the mask ``[B, L]`` (1 masked) and the ids
            restoring the token order ``[B, L]``.
        """
        if not mask:
            return super().forward(x)
        grid = [size // self.token_stride for size in x.shape[-2:]]
        keep, restore, token_mask = random_token_mask(
            len(x), grid[0] * grid[1], self.mask_ratio, x.device)
        self._visible = 1 - token_mask.reshape(len(x), 1, *grid)
        try:
            x, fused = self._masked_stages(x)
        finally:
            self._visible = None
        x = self.patch_embed4(self.patch_embed3(x).flatten(2).transpose(1, 2))
        x = gather_tokens(x + resize_pos_embed(
            self.pos_embed, self.patch_resolution, grid, mode='bicubic',
            num_extra_tokens=0), keep)
        for block in self.blocks3:
            x = block(x, grid)
        x = x + sum(gather_tokens(tokens, keep) for tokens in fused)
        return self.norm(x), token_mask, restore

    def _masked_stages(self, x: Tensor) -> tuple[Tensor, list[Tensor]]:
        """Stages 1 and 2 under the mask, and their tokens for the fusion."""
        fused = []
        for stage in (1, 2):
            x = getattr(self, f'patch_embed{stage}')(x)
            for block in getattr(self, f'blocks{stage}'):
                x = block(x)
            decode = getattr(self, f'stage{stage}_output_decode')
            fused.append(decode(x).flatten(2).transpose(1, 2))
        return x, fused
