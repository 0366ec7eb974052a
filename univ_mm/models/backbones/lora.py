"""PEFT LoRA on a backbone: injection, the plain names, merging.

LoRA: Low-Rank Adaptation of Large Language Models,
https://arxiv.org/abs/2106.09685 (PEFT's layers, or the leaner forward of
:mod:`.lora_layers`).
"""
from collections.abc import Iterator
from contextlib import contextmanager

from peft import LoraConfig, inject_adapter_in_model
from peft.tuners.tuners_utils import BaseTunerLayer
from torch import Tensor, nn

from .lora_layers import register_fused_layers


class LoRAMixin:
    """PEFT LoRA on a backbone, with its plain (un-adapted) names kept.

    PEFT renames a wrapped weight (``qkv.weight`` to
    ``qkv.base_layer.weight``); :meth:`plain_view` and
    :meth:`merged_state_dict` give the backbone's own names back, so plain
    checkpoints load and exports are plain.
    """

    #: Build the LoRA layers of :mod:`.lora_layers` (PEFT's, with a forward
    #: that moves fewer bytes under autocast); False builds PEFT's own.
    fused_lora: bool = True

    def add_lora(self, lora_cfg: dict | None, default_lora_cfg: dict) -> None:
        """Add LoRA if asked; keep the config in ``self.lora_cfg``.

        Args:
            lora_cfg (dict, optional): Merged over ``default_lora_cfg``;
                None keeps the backbone without LoRA.
            default_lora_cfg (dict): The backbone's ``peft.LoraConfig``
                defaults (rank, alpha, dropout, targets).
        """
        self.lora_cfg = lora_cfg
        if lora_cfg is not None:
            self._inject_lora({**default_lora_cfg, **lora_cfg})

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

