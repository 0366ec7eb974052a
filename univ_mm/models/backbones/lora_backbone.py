"""What every UNIV backbone shares: PEFT LoRA, plain names, merging, and
the attention its last block records for PCCL.

UNIV: Unified Foundation Model for Infrared and Visible Modalities,
https://arxiv.org/abs/2509.15642
"""
from collections.abc import Iterator
from contextlib import contextmanager

import torch.nn.functional as F
from peft import LoraConfig, inject_adapter_in_model
from peft.tuners.tuners_utils import BaseTunerLayer
from torch import Tensor, nn

from .lora_layers import register_fused_layers


def split_qkv(qkv: Tensor, num_heads: int) -> tuple[Tensor, Tensor, Tensor]:
    """Queries, keys and values ``[B, H, N, d]`` as views of ``qkv``.

    ``qkv`` is a fused projection ``[B, N, 3 * H * d]``. Unbinding its
    ``3`` axis in place (rather than permuting it first and indexing
    ``[0]``, ``[1]``, ``[2]``) lets autograd stack the three gradients
    straight into ``qkv``'s layout: no zero-filled full-size gradient per
    slice, no adds, no copy back out of a permuted layout.
    """
    q, k, v = qkv.unflatten(-1, (3, num_heads, -1)).unbind(2)
    return q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2)


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
                 dropout_p: float = 0.,
                 attn_mask: Tensor | None = None) -> Tensor:
        if not self.record:
            return F.scaled_dot_product_attention(
                q, k, v, attn_mask=attn_mask, dropout_p=dropout_p)
        logits = q @ k.transpose(-2, -1) * q.shape[-1]**-0.5
        if attn_mask is not None:
            logits = logits + attn_mask
        self.weights = logits.softmax(dim=-1)
        return F.dropout(self.weights, dropout_p) @ v

    def pop(self) -> Tensor:
        """Return the recorded weights and forget them."""
        weights, self.weights = self.weights, None
        if weights is None:
            raise RuntimeError('no attention was recorded in this forward')
        return weights


class LoRABackboneMixin:
    """PEFT LoRA on a backbone, with its plain (un-adapted) names kept.

    PEFT renames a wrapped weight (``qkv.weight`` to
    ``qkv.base_layer.weight``); :meth:`plain_view` and
    :meth:`merged_state_dict` give the backbone's own names back, so plain
    checkpoints load and exports are plain.

    A backbone also names its repeated blocks in ``block_lists`` (its
    ``nn.ModuleList`` attributes, in forward order; see
    :meth:`repeated_blocks`) and says in a ``token_stride`` property how
    many input pixels one token of :meth:`forward_tokens` spans.
    """

    #: The ``nn.ModuleList`` attributes holding the repeated blocks.
    block_lists: tuple[str, ...]
    #: Build the LoRA layers of :mod:`.lora_layers` (PEFT's, with a forward
    #: that moves fewer bytes under autocast); False builds PEFT's own.
    fused_lora: bool = True

    def _set_up_distillation(self, last_attention: nn.Module,
                             lora_cfg: dict | None,
                             default_lora_cfg: dict) -> None:
        """Record ``last_attention``'s softmax weights; add LoRA if asked.

        Args:
            last_attention (nn.Module): The last block's attention module;
                its ``scaled_dot_product_attention`` becomes the recorder.
            lora_cfg (dict, optional): Merged over ``default_lora_cfg``;
                None keeps the backbone without LoRA.
            default_lora_cfg (dict): The backbone's ``peft.LoraConfig``
                defaults (rank, alpha, dropout, targets).
        """
        self.attention_recorder = RecordingAttention()
        last_attention.scaled_dot_product_attention = self.attention_recorder
        self.lora_cfg = lora_cfg
        if lora_cfg is not None:
            self._inject_lora({**default_lora_cfg, **lora_cfg})

    def repeated_blocks(self) -> list[nn.Module]:
        """Every repeated block, in forward order.

        The units that ``UNIV(compile_student=True)`` compiles one by one.

        Returns:
            list[nn.Module]: The blocks of every list in ``block_lists``.
        """
        return [block for name in self.block_lists
                for block in getattr(self, name)]

    def _inject_lora(self, lora_cfg: dict) -> None:
        """Wrap ``lora_cfg['target_modules']``; only LoRA weights train."""
        config = LoraConfig(**lora_cfg)
        if self.fused_lora:
            register_fused_layers(config)
        try:
            inject_adapter_in_model(config, self)
        except ValueError as err:
            names = [n for n, m in self.named_modules()
                     if isinstance(m, (nn.Linear, nn.Conv2d))][:4]
            raise ValueError(
                f'lora_cfg.target_modules={lora_cfg["target_modules"]!r} '
                f'matched no linear layer (nor convolution) of '
                f'{type(self).__name__}; its layers are named like '
                f'{names}.') from err
        for name, param in self.named_parameters():
            param.requires_grad = 'lora_' in name

    def lora_layers(self) -> Iterator[tuple[str, BaseTunerLayer]]:
        """Yield ``(name, layer)`` for every LoRA-wrapped layer."""
        for name, module in self.named_modules():
            if isinstance(module, BaseTunerLayer):
                yield name, module

    @contextmanager
    def plain_view(self) -> Iterator[nn.Module]:
        """Temporarily put each LoRA layer's base layer back in its place.

        Inside the context the module has exactly its plain parameter
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

    def merged_state_dict(self) -> dict[str, Tensor]:
        """State dict with LoRA merged in, under the plain names.

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

