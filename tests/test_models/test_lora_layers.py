"""The fused LoRA layers against PEFT's own, and what they keep."""
import copy

import pytest
import torch
from peft import LoraConfig, inject_adapter_in_model
from torch import nn
from torch.utils._python_dispatch import TorchDispatchMode

from univ_mm.models.backbones.lora_layers import (
    FusedConv2d,
    FusedLinear,
    register_fused_layers,
)

LORA = dict(r=4, lora_alpha=8, lora_dropout=0.1,
            target_modules=['proj', 'fc1', 'fc2'])


class Block(nn.Module):
    """A patch-embed conv, a 1x1-conv MLP layer (channels-last input when
    asked, as ConvMAE's conv blocks give it) and a linear on tokens."""

    def __init__(self, channels_last: bool = False) -> None:
        super().__init__()
        self.proj = nn.Conv2d(8, 16, 4, 4)
        self.fc1 = nn.Conv2d(16, 32, 1)
        self.fc2 = nn.Linear(32, 8)
        self.channels_last = channels_last

    def forward(self, x):
        x = self.proj(x)
        if self.channels_last:
            x = x.contiguous(memory_format=torch.channels_last)
        x = self.fc1(x)
        return self.fc2(x.permute(0, 2, 3, 1).flatten(1, 2))


def peft_and_fused(channels_last: bool = False):
    """The same block with PEFT's layers and with ours, trained LoRA."""
    torch.manual_seed(0)
    base = Block(channels_last)
    peft, fused = copy.deepcopy(base), copy.deepcopy(base)
    inject_adapter_in_model(LoraConfig(**LORA), peft)
    inject_adapter_in_model(register_fused_layers(LoraConfig(**LORA)),
                            fused)
    for name, param in peft.named_parameters():
        if 'lora_B' in name:
            nn.init.normal_(param, std=0.5)
    fused.load_state_dict(peft.state_dict())
    return peft, fused


def loss_and_grads(model, x, seed=1):
    torch.manual_seed(seed)  # the same dropout masks
    out = model(x)
    out.float().pow(2).mean().backward()
    grads = {n: p.grad.clone() for n, p in model.named_parameters()
             if p.grad is not None}
    model.zero_grad()
    return out, grads


def test_fused_layers_keep_peft_names_and_classes():
    peft, fused = peft_and_fused()
    assert isinstance(fused.fc1, FusedConv2d)
    assert isinstance(fused.fc2, FusedLinear)
    assert list(fused.state_dict()) == list(peft.state_dict())
    assert 'fc2.lora_A.default.weight' in fused.state_dict()
    assert type(fused.fc2.lora_dropout['default']) is nn.Dropout


@pytest.mark.parametrize('channels_last', [False, True])
def test_training_forward_and_gradients_equal_pefts(channels_last):
    """Same dropout masks (dropout 0.1, training), float32: the outputs and
    the LoRA gradients agree to float32 rounding (the scaled add is fused
    into one GEMM)."""
    peft, fused = peft_and_fused(channels_last)
    x = torch.randn(2, 8, 16, 16)
    out, grads = loss_and_grads(peft.train(), x)
    out_fused, grads_fused = loss_and_grads(fused.train(), x)
    torch.testing.assert_close(out_fused, out, rtol=1e-5, atol=1e-5)
    assert grads_fused.keys() == grads.keys()
    assert all('lora_' in name for name in grads)
    for name, grad in grads.items():
        torch.testing.assert_close(grads_fused[name], grad, rtol=1e-5,
                                   atol=1e-5)
    peft.eval(), fused.eval()
    torch.testing.assert_close(fused(x), peft(x), rtol=1e-5, atol=1e-5)


class CastRecorder(TorchDispatchMode):
    """Sizes of the float32 results of every cast."""

    def __init__(self) -> None:
        super().__init__()
        self.float32_casts: list[int] = []

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        out = func(*args, **(kwargs or {}))
        if func is torch.ops.aten._to_copy.default and \
                out.dtype == torch.float32:
            self.float32_casts.append(out.numel())
        return out


def float32_activation_casts(model, x) -> int:
    """Casts to float32 of tensors larger than any weight (forward and
    backward)."""
    with CastRecorder() as recorder, torch.autocast('cpu',
                                                     dtype=torch.float16):
        model(x).float().sum().backward()
    biggest_weight = max(p.numel() for p in model.parameters())
    return sum(n > biggest_weight for n in recorder.float32_casts)


def test_autocast_keeps_activations_in_half_precision():
    peft, fused = peft_and_fused()
    x = torch.randn(2, 8, 32, 32)
    assert float32_activation_casts(peft, x) > 0
    assert float32_activation_casts(fused, x) == 0
    peft.eval(), fused.eval()
    with torch.autocast('cpu', dtype=torch.float16):
        expected, out = peft(x), fused(x)
    assert out.dtype == torch.float16
    torch.testing.assert_close(out.float(), expected.float(), rtol=2e-2,
                               atol=2e-2)


def test_merging_and_disabling_use_pefts_paths():
    peft, fused = peft_and_fused()
    x = torch.randn(2, 8, 16, 16)
    fused.eval()
    adapted = fused(x)
    fused.fc2.enable_adapters(False)  # PEFT's switch: base layer only
    base = fused.fc2.base_layer
    assert not torch.allclose(fused(x), adapted)
    fused.fc2.enable_adapters(True)
    for layer in (fused.proj, fused.fc1, fused.fc2):
        layer.merge()
    torch.testing.assert_close(fused(x), adapted, rtol=1e-5, atol=1e-5)
    delta = fused.fc2.get_delta_weight('default')
    torch.testing.assert_close(
        base.weight, peft.fc2.base_layer.weight + delta, rtol=1e-6,
        atol=1e-6)
