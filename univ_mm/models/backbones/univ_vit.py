"""Vision Transformer backbone for UNIV, with PEFT LoRA and teacher signals.

UNIV: Unified Foundation Model for Infrared and Visible Modalities,
https://arxiv.org/abs/2509.15642
"""
from collections.abc import Sequence

import torch
from mmpretrain.models.backbones import VisionTransformer
from mmpretrain.models.utils import MultiheadAttention, resize_pos_embed
from torch import Tensor
from torch.utils.checkpoint import checkpoint

from univ_mm.registry import MODELS

from .lora import LoRAMixin
from .pccl_tokens import PCCLTokensMixin, split_qkv
from .pretrained import VIT, PretrainedWeightsMixin

#: Every block's attention qkv and output projections and both FFN linears.
LORA_TARGETS = ('attn.qkv', 'attn.proj', 'ffn.layers.0.0', 'ffn.layers.1')
DEFAULT_LORA_CFG = dict(
    r=8, lora_alpha=32, lora_dropout=0.1, target_modules=list(LORA_TARGETS))


def patch_to_patch(attention: Tensor, num_extra_tokens: int) -> Tensor:
    """Keep the patch-to-patch block of an attention map, rows renormalised.

    The spec's rule for ViTs with a CLS token: drop the extra tokens' rows and
    columns and rescale every row to sum to 1.
    """
    if num_extra_tokens == 0:
        return attention
    block = attention[..., num_extra_tokens:, num_extra_tokens:]
    return block / block.sum(dim=-1, keepdim=True)


class SplitQKVAttention(MultiheadAttention):
    """MMPretrain's attention with queries, keys and values split as views
    (:func:`.split_qkv`); same parameters, same arithmetic."""

    def forward(self, x: Tensor) -> Tensor:
        B, N, _ = x.shape
        q, k, v = split_qkv(self.qkv(x), self.num_heads)
        attn_drop = self.attn_drop if self.training else 0.
        x = self.scaled_dot_product_attention(q, k, v, dropout_p=attn_drop)
        x = self.proj(x.transpose(1, 2).reshape(B, N, self.embed_dims))
        x = self.out_drop(self.gamma1(self.proj_drop(x)))
        if self.v_shortcut:
            x = v.squeeze(1) + x
        return x


@MODELS.register_module()
class UNIVVisionTransformer(PretrainedWeightsMixin, LoRAMixin, PCCLTokensMixin,
                            VisionTransformer):
    """MMPretrain's ViT with optional LoRA and the tokens PCCL distils.

    ``arch`` accepts mmpretrain's names with their meanings (the ViT-T/16
    and ViT-S/16 of DeiT, MAE and DINO are ``'deit-t'`` and ``'deit-s'``;
    mmpretrain's ``'s'`` is an 8-layer, 768-dim model), plus ``'dinov2-b'``
    and ``'dinov2-l'``, so a merged export loads into
    ``VisionTransformer`` of the same ``arch``.

    Args:
        lora_cfg (dict, optional): Keyword arguments of ``peft.LoraConfig``
            merged over ``DEFAULT_LORA_CFG`` (r 8, alpha 32, dropout 0.1 on
            ``LORA_TARGETS``). When given, only LoRA weights train.
            Defaults to None (no LoRA).
        with_cp (bool): Activation checkpointing of every block in training
            (recompute activations in backward; for large models).
            Defaults to False.
        **kwargs: Arguments of ``mmpretrain.VisionTransformer``;
            ``init_cfg=dict(type='Pretrained', checkpoint=..., prefix=...)``
            loads any format of :data:`.pretrained.vit.VIT` (MMPretrain,
            timm and the official releases, Hugging Face), plain or inside
            a whole model, and must fill every weight (``prefix`` only
            picks among several ViTs).
    """

    arch_zoo = {
        **VisionTransformer.arch_zoo,
        # DINOv2's sizes between MMPretrain's dinov2-s and dinov2-g (build
        # them with patch_size=14 and layer_scale_init_value=1e-5)
        **dict.fromkeys(['dinov2-b', 'dinov2-base'], {
            'embed_dims': 768,
            'num_layers': 12,
            'num_heads': 12,
            'feedforward_channels': 768 * 4
        }),
        **dict.fromkeys(['dinov2-l', 'dinov2-large'], {
            'embed_dims': 1024,
            'num_layers': 24,
            'num_heads': 16,
            'feedforward_channels': 1024 * 4
        }),
    }
    block_lists = ('layers', )
    #: What ``init_cfg=dict(type='Pretrained', ...)`` reads.
    pretrained_weights = VIT
    default_lora_cfg = DEFAULT_LORA_CFG

    def __init__(self, *args, lora_cfg: dict | None = None,
                 with_cp: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.with_cp = with_cp
        for layer in self.layers:
            layer.attn.__class__ = SplitQKVAttention
        self.record_last_attention(self.layers[-1].attn)
        self.add_lora(lora_cfg, DEFAULT_LORA_CFG)

    @property
    def token_stride(self) -> int:
        """Input pixels per token side: the patch embedding's stride."""
        return self.patch_embed.projection.stride[0]

    def train(self, mode: bool = True) -> 'UNIVVisionTransformer':
        """Set the mode; stages frozen by ``frozen_stages`` stay in eval."""
        super().train(mode)
        if mode and self.frozen_stages > 0:
            self._freeze_stages()
        return self

    def _encode(self, x: Tensor,
                keep: Sequence[int]) -> tuple[list[Tensor], tuple[int, int]]:
        """Run the encoder; return the token sequences after layers ``keep``.

        The last layer's output has the final norm applied. Returns the kept
        sequences ``[B, extra + N, C]`` and the patch grid ``(h, w)``.
        """
        x, grid = self.patch_embed(x)
        if self.cls_token is not None:
            x = torch.cat([self.cls_token.expand(x.shape[0], -1, -1), x], 1)
        x = x + resize_pos_embed(
            self.pos_embed, self.patch_resolution, grid,
            mode=self.interpolate_mode,
            num_extra_tokens=self.num_extra_tokens)
        x = self.pre_norm(self.drop_after_pos(x))
        kept = []
        for index, layer in enumerate(self.layers):
            if self.with_cp and self.training and torch.is_grad_enabled():
                x = checkpoint(layer, x, use_reentrant=False)
            else:
                x = layer(x)
            if index == self.num_layers - 1 and self.final_norm:
                x = self.ln1(x)
            if index in keep:
                kept.append(x)
        return kept, grid

    def forward(self, x: Tensor) -> tuple[Tensor, ...]:
        """Features of ``out_indices`` in the format given by ``out_type``.

        One output per entry of ``out_indices``, in its order, so a layer
        listed several times is returned several times (UNIP's last-layer
        pyramid reads ``(11, 11, 11, 11)``). With ``final_norm=False`` the
        last layer's output is raw, as dense-task decoders of UNIP, PAD and
        ViTDet read it.

        Returns:
            tuple[Tensor]: e.g. ``[B, C, h, w]`` maps for ``'featmap'``.
        """
        layers = sorted(set(self.out_indices))
        kept, grid = self._encode(x, layers)
        by_layer = dict(zip(layers, kept, strict=True))
        return tuple(self._format_output(by_layer[index], grid)
                     for index in self.out_indices)

    def forward_tokens(self, x: Tensor, with_attention: bool = False
                       ) -> tuple[Tensor, Tensor | None]:
        """Final-norm patch tokens and, on request, last-block attention.

        Args:
            x (Tensor): Images ``[B, 3, H, W]``.
            with_attention (bool): Also return the last block's softmax
                attention over patch tokens (computed explicitly for that
                block only). Defaults to False.

        Returns:
            tuple[Tensor, Tensor | None]: Tokens ``[B, N, C]`` without extra
            tokens, and attention ``[B, H, N, N]`` (rows sum to 1) or None.
        """
        self.attention_recorder.record = with_attention
        try:
            (tokens, ), _ = self._encode(x, [self.num_layers - 1])
        finally:
            self.attention_recorder.record = False
        if not with_attention:
            return tokens[:, self.num_extra_tokens:], None
        attention = patch_to_patch(self.attention_recorder.pop(),
                                   self.num_extra_tokens)
        return tokens[:, self.num_extra_tokens:], attention
