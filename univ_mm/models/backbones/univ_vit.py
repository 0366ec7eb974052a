"""Vision Transformer backbone for UNIV, with PEFT LoRA and teacher signals.

UNIV: Unified Foundation Model for Infrared and Visible Modalities,
https://arxiv.org/abs/2509.15642
"""
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import torch
import torch.nn.functional as F
from mmpretrain.models.backbones import VisionTransformer
from mmpretrain.models.utils import resize_pos_embed
from peft import LoraConfig, inject_adapter_in_model
from peft.tuners.tuners_utils import BaseTunerLayer
from torch import Tensor
from torch.utils.checkpoint import checkpoint

from univ_mm.registry import MODELS

from .vit_checkpoint_loading import load_pretrained_vit

#: Every block's attention qkv and output projections and both FFN linears.
LORA_TARGETS = ('attn.qkv', 'attn.proj', 'ffn.layers.0.0', 'ffn.layers.1')
DEFAULT_LORA_CFG = dict(
    r=8, lora_alpha=32, lora_dropout=0.1, target_modules=list(LORA_TARGETS))


class RecordingAttention:
    """Scaled dot-product attention that can return its softmax weights.

    Installed in the last block only. While ``record`` is False it calls
    PyTorch's fused kernel; while True it computes the attention explicitly
    and keeps the weights ``[B, H, N, N]`` in ``weights``.
    """

    def __init__(self) -> None:
        self.record = False
        self.weights: Tensor | None = None

    def __call__(self, q: Tensor, k: Tensor, v: Tensor,
                 dropout_p: float = 0.) -> Tensor:
        if not self.record:
            return F.scaled_dot_product_attention(
                q, k, v, dropout_p=dropout_p)
        logits = q @ k.transpose(-2, -1) * q.shape[-1]**-0.5
        self.weights = logits.softmax(dim=-1)
        return F.dropout(self.weights, dropout_p) @ v

    def pop(self) -> Tensor:
        """Return the recorded weights and forget them."""
        weights, self.weights = self.weights, None
        if weights is None:
            raise RuntimeError('no attention was recorded in this forward')
        return weights


def patch_to_patch(attention: Tensor, num_extra_tokens: int) -> Tensor:
    """Keep the patch-to-patch block of an attention map, rows renormalised.

    The spec's rule for ViTs with a CLS token: drop the extra tokens' rows and
    columns and rescale every row to sum to 1.
    """
    if num_extra_tokens == 0:
        return attention
    block = attention[..., num_extra_tokens:, num_extra_tokens:]
    return block / block.sum(dim=-1, keepdim=True)


@MODELS.register_module()
class UNIVVisionTransformer(VisionTransformer):
    """MMPretrain's ViT with optional LoRA and the tokens PCCL distils.

    ``arch`` accepts mmpretrain's names plus ``'t'``/``'tiny'`` (192 dims,
    12 layers, 3 heads) and ``'s'``/``'small'`` (384 dims, 12 layers,
    6 heads), the ViT-T/ViT-S of DeiT, MAE and DINO. MMPretrain calls these
    ``'deit-t'`` and ``'deit-s'`` (its own ``'s'`` is an 8-layer, 768-dim
    model), so a merged ``arch='s'`` export loads into
    ``VisionTransformer(arch='deit-s')``.

    Args:
        lora_cfg (dict, optional): Keyword arguments of ``peft.LoraConfig``
            merged over ``DEFAULT_LORA_CFG`` (r 8, alpha 32, dropout 0.1 on
            ``LORA_TARGETS``). When given, only LoRA weights train.
            Defaults to None (no LoRA).
        with_cp (bool): Activation checkpointing of every block in training
            (recompute activations in backward; for large models).
            Defaults to False.
        **kwargs: Arguments of ``mmpretrain.VisionTransformer``.
    """

    arch_zoo = {
        **VisionTransformer.arch_zoo,
        **dict.fromkeys(['t', 'tiny'], {
            'embed_dims': 192,
            'num_layers': 12,
            'num_heads': 3,
            'feedforward_channels': 192 * 4
        }),
        **dict.fromkeys(['s', 'small'], {
            'embed_dims': 384,
            'num_layers': 12,
            'num_heads': 6,
            'feedforward_channels': 384 * 4
        }),
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

    def __init__(self, *args, lora_cfg: dict | None = None,
                 with_cp: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.with_cp = with_cp
        self.attention_recorder = RecordingAttention()
        self.layers[-1].attn.scaled_dot_product_attention = \
            self.attention_recorder
        self.lora_cfg = lora_cfg
        if lora_cfg is not None:
            self._inject_lora({**DEFAULT_LORA_CFG, **lora_cfg})

    def _inject_lora(self, lora_cfg: dict) -> None:
        try:
            inject_adapter_in_model(LoraConfig(**lora_cfg), self)
        except ValueError as err:
            names = [n for n, m in self.named_modules()
                     if isinstance(m, torch.nn.Linear)][:4]
            raise ValueError(
                f'lora_cfg.target_modules={lora_cfg["target_modules"]!r} '
                f'matched no linear layer of {type(self).__name__}; its '
                f'linear layers are named like {names}.') from err
        for name, param in self.named_parameters():
            param.requires_grad = 'lora_' in name

    def lora_layers(self) -> Iterator[tuple[str, BaseTunerLayer]]:
        """Yield ``(name, layer)`` for every LoRA-wrapped layer."""
        for name, module in self.named_modules():
            if isinstance(module, BaseTunerLayer):
                yield name, module

    @contextmanager
    def plain_view(self) -> Iterator['UNIVVisionTransformer']:
        """Temporarily put each LoRA layer's base layer back in its place.

        Inside the context the module has exactly mmpretrain's parameter
        names, so plain checkpoints load and ``state_dict()`` is plain.
        The base layers are shared, so what is loaded stays after exit.
        """
        wrapped = dict(self.lora_layers())
        for name, layer in wrapped.items():
            self.set_submodule(name, layer.get_base_layer())
        try:
            yield self
        finally:
            for name, layer in wrapped.items():
                self.set_submodule(name, layer)

    def init_weights(self) -> None:
        """Initialise (or load ``init_cfg``) on plain names; keep LoRA init.

        Runs with LoRA layers hidden, so a ``Pretrained`` checkpoint loads
        into the base weights and the LoRA weights keep PEFT's init (B = 0:
        the adapted model starts equal to the base model). A ``Pretrained``
        checkpoint may be in any format of :mod:`.vit_checkpoint_formats`
        (MMPretrain, timm and the official releases, Hugging Face), plain or
        inside a whole model; ``prefix`` only picks among several ViTs.
        It must fill every weight, or loading raises.
        """
        cfg = self.init_cfg
        pretrained = isinstance(cfg, dict) and cfg.get('type') == 'Pretrained'
        if pretrained:
            self.init_cfg = None  # random init, then every weight is loaded
        try:
            with self.plain_view():
                super().init_weights()
                if pretrained:
                    load_pretrained_vit(self, cfg['checkpoint'],
                                        cfg.get('prefix'))
        finally:
            self.init_cfg = cfg

    def train(self, mode: bool = True) -> 'UNIVVisionTransformer':
        """Set the mode; stages frozen by ``frozen_stages`` stay in eval."""
        super().train(mode)
        if mode and self.frozen_stages > 0:
            self._freeze_stages()
        return self

    def merged_state_dict(self) -> dict[str, Tensor]:
        """State dict with LoRA merged in, under mmpretrain's plain names.

        Returns:
            dict[str, Tensor]: Detached copies; the module is not modified.
        """
        with self.plain_view():
            state = {k: v.detach().clone()
                     for k, v in self.state_dict().items()}
        for name, layer in self.lora_layers():
            if layer.merged:
                raise RuntimeError(f'{name} has its adapter merged already')
            for adapter in layer.active_adapters:
                state[f'{name}.weight'] += layer.get_delta_weight(adapter)
        return state

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
