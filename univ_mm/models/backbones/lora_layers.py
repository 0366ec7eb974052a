"""PEFT LoRA layers whose forward moves fewer bytes under autocast.

PEFT's ``lora.Linear`` and ``lora.Conv2d`` cast the input to the LoRA
weights' dtype (float32) before the adapter, so under fp16 autocast an
activation goes fp16 -> fp32 (dropout in fp32) -> fp16 again, and add the
adapter's output with a separate scale and add. The layers here keep PEFT's
parameters, names, dropout modules, merging and ``get_delta_weight`` (they
subclass PEFT's); only the plain single-adapter training forward changes:

- under autocast the input is cast once to the autocast dtype, for the base
  layer and the adapter alike (the base layer would cast it anyway);
- ``lora_B`` adds its scaled product to the base output inside one GEMM
  (``addmm`` / ``baddbmm`` with ``alpha=scaling``);
- the frozen base weight and bias are cast to the autocast dtype once and
  kept while they do not change (:func:`frozen_forward`; autocast would
  cast them at every call), as are a frozen teacher's with
  :func:`cast_frozen_layers_once_`.

Without autocast the arithmetic is PEFT's, up to the rounding of a fused
multiply-add. Every other case (merged, disabled, several adapters, mixed
batches, variants such as DoRA) calls PEFT's own forward.
"""
from typing import Any

import torch
import torch.nn.functional as F
from peft import LoraConfig
from peft.tuners.lora import layer as peft_lora
from torch import Tensor, nn


def autocast_input(x: Tensor) -> Tensor | None:
    """``x`` in the autocast dtype of its device, or None without
    autocast (or for a non-float ``x``)."""
    device = x.device.type
    if not x.is_floating_point() or not torch.is_autocast_enabled(device):
        return None
    return x.to(torch.get_autocast_dtype(device))


def frozen_forward(layer: nn.Linear | nn.Conv2d, x: Tensor) -> Tensor | None:
    """``layer(x)`` with its frozen weight and bias in ``x``'s dtype, cast
    once and kept (autocast casts them at every call: it caches only
    weights that train); None when they train, or under ``torch.compile``.

    The copies are plain attributes, outside the state dict (they cost
    the weights' size again in the autocast dtype); they are made again
    when the weights change in place (``load_state_dict``, ``copy_``: their
    version counters), move or change dtype. Assigning ``weight.data``
    bypasses version counters: change frozen weights in place instead.
    """
    params = (layer.weight, layer.bias)
    if layer.weight.requires_grad or torch.compiler.is_compiling():
        return None
    key = (x.dtype, layer.weight.device, layer.weight.dtype,
           *(p._version for p in params if p is not None))
    cached = getattr(layer, '_frozen_cast', None)
    if cached is None or cached[0] != key:
        cached = key, [p if p is None else p.detach().to(x.dtype)
                       for p in params]
        layer._frozen_cast = cached
    weight, bias = cached[1]
    if isinstance(layer, nn.Conv2d):
        return layer._conv_forward(x, weight, bias)
    return F.linear(x, weight, bias)


class FrozenCastMixin:
    """A frozen ``nn.Linear`` / ``nn.Conv2d`` that, under autocast, uses
    :func:`frozen_forward` (the same values: autocast's cast, made once)."""

    def forward(self, x: Tensor) -> Tensor:
        low = autocast_input(x)
        result = None if low is None else frozen_forward(self, low)
        return super().forward(x) if result is None else result


class FrozenCastLinear(FrozenCastMixin, nn.Linear):
    """``nn.Linear`` with :class:`FrozenCastMixin`."""


class FrozenCastConv2d(FrozenCastMixin, nn.Conv2d):
    """``nn.Conv2d`` with :class:`FrozenCastMixin`."""


def cast_frozen_layers_once_(module: nn.Module) -> None:
    """Give every plain ``nn.Linear`` / ``nn.Conv2d`` of ``module``
    :class:`FrozenCastMixin`'s forward (in place: parameters, names and
    state dict unchanged). For modules that stay frozen, e.g. a teacher."""
    for layer in module.modules():
        cast = {nn.Linear: FrozenCastLinear,
                nn.Conv2d: FrozenCastConv2d}.get(type(layer))
        if cast is not None:
            layer.__class__ = cast


class FusedForwardMixin:
    """The plain-training forward shared by the layers below."""

    def _plain_adapter(self, args: tuple, kwargs: dict) -> str | None:
        """The one active adapter when the fused path applies, else None."""
        adapters = [a for a in self.active_adapters if a in self.lora_A]
        if (self.disable_adapters or self.merged or args or kwargs
                or len(adapters) != 1 or adapters[0] in self.lora_variant
                or self.lora_B[adapters[0]].bias is not None):
            return None
        return adapters[0]

    def forward(self, x: Tensor, *args: Any, **kwargs: Any) -> Tensor:
        adapter = self._plain_adapter(args, kwargs)
        if adapter is None:
            return super().forward(x, *args, **kwargs)
        self._check_forward_args(x)
        low = autocast_input(x)
        result = None
        if low is not None:
            x = low
            result = frozen_forward(self.base_layer, x)
        if result is None:
            result = self.base_layer(x)
        lora_a = self.lora_A[adapter]
        if low is None:
            x = self._cast_input_dtype(x, lora_a.weight.dtype)
        hidden = lora_a(self.lora_dropout[adapter](x))
        out = self._add_scaled(result, hidden, self.lora_B[adapter].weight,
                               self.scaling[adapter])
        return out.to(result.dtype)

    def unmerge(self, *args: Any, **kwargs: Any) -> None:
        """PEFT's unmerge (which writes ``weight.data``, not seen by
        version counters); the base weight's cached cast is dropped."""
        super().unmerge(*args, **kwargs)
        self.base_layer._frozen_cast = None


class FusedLinear(FusedForwardMixin, peft_lora.Linear):
    """PEFT's ``lora.Linear``; ``result + scaling * lora_B(h)`` is one
    ``addmm``."""

    @staticmethod
    def _add_scaled(result: Tensor, hidden: Tensor, weight: Tensor,
                    scaling: float) -> Tensor:
        flat = torch.addmm(result.reshape(-1, result.shape[-1]),
                           hidden.reshape(-1, hidden.shape[-1]), weight.t(),
                           alpha=scaling)
        return flat.view(result.shape)


class FusedConv2d(FusedForwardMixin, peft_lora.Conv2d):
    """PEFT's ``lora.Conv2d``; its 1x1 ``lora_B`` and the scaled add are
    one GEMM over the pixels, in the memory format of the base output (the
    next dropout's mask follows it, as after PEFT's add)."""

    @staticmethod
    def _add_scaled(result: Tensor, hidden: Tensor, weight: Tensor,
                    scaling: float) -> Tensor:
        matrix = weight.flatten(1)  # [out, r]
        if weight.shape[2:] == (1, 1) and hidden.shape[2:] == \
                result.shape[2:]:
            if result.is_contiguous() and hidden.is_contiguous():
                return _add_scaled_nchw(result, hidden, matrix, scaling)
            last = torch.channels_last
            if result.is_contiguous(memory_format=last) and \
                    hidden.is_contiguous(memory_format=last):
                return _add_scaled_nhwc(result, hidden, matrix, scaling)
        return result + F.conv2d(hidden, weight) * scaling


def _add_scaled_nchw(result: Tensor, hidden: Tensor, matrix: Tensor,
                     scaling: float) -> Tensor:
    """``result + scaling * matrix @ hidden`` per image, NCHW-contiguous."""
    batch, channels = result.shape[:2]
    flat = torch.baddbmm(result.reshape(batch, channels, -1),
                         matrix.expand(batch, -1, -1),
                         hidden.reshape(batch, hidden.shape[1], -1),
                         alpha=scaling)
    return flat.view(result.shape)


def _add_scaled_nhwc(result: Tensor, hidden: Tensor, matrix: Tensor,
                     scaling: float) -> Tensor:
    """The same on channels-last tensors: one ``addmm`` over the pixels."""
    rows = result.permute(0, 2, 3, 1)
    flat = torch.addmm(rows.reshape(-1, rows.shape[-1]),
                       hidden.permute(0, 2, 3, 1).reshape(-1,
                                                          hidden.shape[1]),
                       matrix.t(), alpha=scaling)
    return flat.view(rows.shape).permute(0, 3, 1, 2)


#: What :func:`register_fused_layers` maps.
FUSED_LAYERS: dict[type[nn.Module], type[nn.Module]] = {
    nn.Linear: FusedLinear, nn.Conv2d: FusedConv2d}


def register_fused_layers(config: LoraConfig) -> LoraConfig:
    """Make PEFT build :data:`FUSED_LAYERS` for linear and conv targets
    (PEFT's custom-module mapping, checked before its own dispatch).

    Returns:
        LoraConfig: ``config``, registered.
    """
    config._register_custom_module(FUSED_LAYERS)
    return config
