"""ConvMAE masked-image-modelling pre-training of :class:`UNIVConvMAE`.

ConvMAE: Masked Convolution Meets Masked Autoencoders,
https://arxiv.org/abs/2205.03892. MMPretrain's ``MAE`` masks the tokens of a
plain ViT; ConvMAE masks at the stride-16 token grid and carries the mask
down to the convolution stages as blocks (one token = 4x4 stage-1 and 2x2
stage-2 positions), zeroing masked positions before every depthwise
convolution so no visible feature sees a masked pixel. The decoder and the
pixel loss are MMPretrain's (:class:`ConvMAEPretrainDecoder`,
``MAEPretrainHead``).
"""
import torch
import torch.nn.functional as F
from mmpretrain.models import BaseSelfSupervisor
from mmpretrain.models.necks import MAEPretrainDecoder
from mmpretrain.models.utils import resize_pos_embed
from torch import Tensor, nn

from univ_mm.registry import MODELS


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
class ConvMAEPretrainDecoder(MAEPretrainDecoder):
    """MMPretrain's MAE decoder for encoders without a class token.

    Same layers, weights and sin-cos position embedding as
    ``MAEPretrainDecoder`` (whose first, class-token row goes unused); the
    visible tokens are all patch tokens.
    """

    def forward(self, x: Tensor, ids_restore: Tensor) -> Tensor:
        """Pixels of every patch from the visible tokens.

        Args:
            x (Tensor): Visible encoder tokens ``[B, K, C]``.
            ids_restore (Tensor): Ids restoring the patch order ``[B, L]``.

        Returns:
            Tensor: Predictions ``[B, L, patch_size**2 * in_chans]``.
        """
        x = self.decoder_embed(x)
        masked = self.mask_token.expand(len(x), ids_restore.shape[1] -
                                        x.shape[1], -1)
        x = gather_tokens(torch.cat([x, masked], dim=1), ids_restore)
        x = x + self.decoder_pos_embed[:, 1:]
        for block in self.decoder_blocks:
            x = block(x)
        return self.decoder_pred(self.decoder_norm(x))


@MODELS.register_module()
class ConvMAE(BaseSelfSupervisor):
    """ConvMAE pre-training: block-wise masked convolutions + MAE.

    The backbone is a :class:`UNIVConvMAE` (its weights are what a later
    UNIV or downstream run loads, under ``backbone.``); the algorithm adds
    the release's multi-scale fusion (stride-4 and stride-2 convolutions
    that bring stage 1 and 2 to the token grid, added to the visible tokens
    before the final norm) and keeps the encoder's position embedding fixed
    (sin-cos), as the release does.

    Args:
        backbone (dict): A ``UNIVConvMAE`` config.
        neck (dict): A :class:`ConvMAEPretrainDecoder` config.
        head (dict): An ``MAEPretrainHead`` config (``patch_size`` 16).
        mask_ratio (float): Share of tokens masked. Defaults to 0.75.
        data_preprocessor (dict, optional): Defaults to None
            (``SelfSupDataPreprocessor``).
        init_cfg (dict, optional): Defaults to None.
    """

    def __init__(self,
                 backbone: dict,
                 neck: dict,
                 head: dict,
                 mask_ratio: float = 0.75,
                 data_preprocessor: dict | None = None,
                 init_cfg: dict | None = None) -> None:
        super().__init__(backbone=backbone, neck=neck, head=head,
                         data_preprocessor=data_preprocessor,
                         init_cfg=init_cfg)
        self.mask_ratio = mask_ratio
        dims = self.backbone.arch_settings['embed_dims']
        self.stage_fusion = nn.ModuleList(
            nn.Conv2d(dims[k], dims[2], stride, stride=stride)
            for k, stride in enumerate((4, 2)))
        self.backbone.pos_embed.requires_grad = False
        self._visible: Tensor | None = None
        for stage in (1, 2):
            for block in getattr(self.backbone, f'blocks{stage}'):
                block.attn.register_forward_pre_hook(self._mask_positions)

    def _mask_positions(self, module: nn.Module,
                        args: tuple[Tensor]) -> tuple[Tensor] | None:
        """Zero the masked positions before a depthwise convolution."""
        if self._visible is None:
            return None
        visible = F.interpolate(self._visible, size=args[0].shape[-2:])
        return (args[0] * visible, )

    def encode(self, inputs: Tensor) -> tuple[Tensor, Tensor, Tensor]:
        """Visible tokens of a masked forward.

        Returns:
            tuple[Tensor, Tensor, Tensor]: Final-norm visible tokens
            ``[B, K, C]``, the mask ``[B, L]`` and the restoring ids.
        """
        backbone = self.backbone
        grid = [size // backbone.token_stride for size in inputs.shape[-2:]]
        keep, restore, mask = random_token_mask(
            len(inputs), grid[0] * grid[1], self.mask_ratio, inputs.device)
        self._visible = 1 - mask.reshape(len(inputs), 1, *grid)
        x, fused = inputs, []
        try:
            for stage, fusion in zip((1, 2), self.stage_fusion, strict=True):
                x = getattr(backbone, f'patch_embed{stage}')(x)
                for block in getattr(backbone, f'blocks{stage}'):
                    x = block(x)
                fused.append(fusion(x).flatten(2).transpose(1, 2))
        finally:
            self._visible = None
        x = backbone.patch_embed4(
            backbone.patch_embed3(x).flatten(2).transpose(1, 2))
        x = gather_tokens(x + resize_pos_embed(
            backbone.pos_embed, backbone.patch_resolution, grid,
            mode='bicubic', num_extra_tokens=0), keep)
        for block in backbone.blocks3:
            x = block(x, grid)
        x = x + sum(gather_tokens(tokens, keep) for tokens in fused)
        return backbone.norm(x), mask, restore

    def extract_feat(self, inputs: Tensor) -> tuple[Tensor, ...]:
        """The backbone's unmasked maps (``out_indices``)."""
        return self.backbone(inputs)

    def loss(self, inputs: Tensor, data_samples: list | None = None
             ) -> dict[str, Tensor]:
        """The MAE pixel loss on the masked patches: ``loss``."""
        latent, mask, restore = self.encode(inputs)
        pred = self.neck(latent, restore)
        return dict(loss=self.head.loss(pred, inputs, mask))
