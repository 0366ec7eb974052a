"""ConvMAE masked-image-modelling pre-training of :class:`UNIVConvMAE`.

ConvMAE: Masked Convolution Meets Masked Autoencoders,
https://arxiv.org/abs/2205.03892. As MMPretrain's ``MAE`` on ``MAEViT``, the
masking is the backbone's (:class:`MaskedConvMAE`); the decoder and the pixel
loss are MMPretrain's (:class:`ConvMAEPretrainDecoder`, ``MAEPretrainHead``).
"""
import torch
from mmpretrain.models import BaseSelfSupervisor
from mmpretrain.models.necks import MAEPretrainDecoder
from torch import Tensor

from univ_mm.registry import MODELS

from ..backbones.masked_convmae import gather_tokens

#: Where checkpoints written before the masking moved into the backbone keep
#: the fusion convolutions, and where they are now.
_FUSION_KEYS = {'stage_fusion.0.': 'backbone.stage1_output_decode.',
                'stage_fusion.1.': 'backbone.stage2_output_decode.'}


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
    """ConvMAE pre-training: a :class:`MaskedConvMAE` + MMPretrain's MAE.

    The backbone masks (its weights are what a later UNIV or downstream run
    loads, under ``backbone.``); the decoder restores the patch order and
    the head scores the masked patches' pixels. Checkpoints that kept the
    fusion convolutions at the top (``stage_fusion.{0,1}``) load too.

    Args:
        backbone (dict): A ``MaskedConvMAE`` config.
        neck (dict): A :class:`ConvMAEPretrainDecoder` config.
        head (dict): An ``MAEPretrainHead`` config (``patch_size`` 16).
        data_preprocessor (dict, optional): Defaults to None
            (``SelfSupDataPreprocessor``).
        init_cfg (dict, optional): Defaults to None.
    """

    def __init__(self,
                 backbone: dict,
                 neck: dict,
                 head: dict,
                 data_preprocessor: dict | None = None,
                 init_cfg: dict | None = None) -> None:
        super().__init__(backbone=backbone, neck=neck, head=head,
                         data_preprocessor=data_preprocessor,
                         init_cfg=init_cfg)
        self._register_load_state_dict_pre_hook(_rename_fusion_keys)

    def extract_feat(self, inputs: Tensor) -> tuple[Tensor, ...]:
        """The backbone's unmasked maps (``out_indices``)."""
        return self.backbone(inputs, mask=False)

    def loss(self, inputs: Tensor, data_samples: list | None = None
             ) -> dict[str, Tensor]:
        """The MAE pixel loss on the masked patches: ``loss``."""
        latent, mask, restore = self.backbone(inputs)
        pred = self.neck(latent, restore)
        return dict(loss=self.head.loss(pred, inputs, mask))


def _rename_fusion_keys(state_dict: dict, prefix: str, *args) -> None:
    """Move ``stage_fusion.{0,1}`` keys to the backbone's names in place."""
    for key in [k for k in state_dict if k.startswith(prefix)]:
        for old, new in _FUSION_KEYS.items():
            if key.startswith(prefix + old):
                state_dict[prefix + new + key[len(prefix + old):]] = \
                    state_dict.pop(key)
