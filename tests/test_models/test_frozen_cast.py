"""Frozen weights cast to the autocast dtype once: the same outputs as
autocast's per-call cast, refreshed when the weights change, no new
state-dict entries."""
from unittest import mock

import torch
from helpers import tiny_univ, tiny_vit
from torch import nn

from univ_mm.models.backbones import lora_layers
from univ_mm.models.backbones.lora_layers import (
    FrozenCastConv2d,
    FrozenCastLinear,
    cast_frozen_layers_once_,
)
from univ_mm.registry import MODELS

AUTOCAST = dict(device_type='cpu', dtype=torch.bfloat16)
PLAIN = (nn.Conv2d.forward, nn.Flatten.forward, nn.Linear.forward)


def frozen_layers() -> nn.Sequential:
    torch.manual_seed(0)
    layers = nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), nn.Flatten(),
                           nn.Linear(4 * 5 * 5, 6)).requires_grad_(False)
    cast_frozen_layers_once_(layers)
    return layers


def plain_forward(layers: nn.Sequential, x: torch.Tensor) -> torch.Tensor:
    """The layers' outputs through PyTorch's own forwards."""
    for layer, forward in zip(layers, PLAIN, strict=True):
        x = forward(layer, x)
    return x


def autocast_reference(layers: nn.Sequential, x: torch.Tensor):
    """The outputs with autocast casting the weights at each call."""
    with torch.autocast(**AUTOCAST):
        return plain_forward(layers, x)


def test_outputs_equal_autocasts_and_follow_reloaded_weights():
    layers = frozen_layers()
    assert [type(m) for m in layers] == [FrozenCastConv2d, nn.Flatten,
                                         FrozenCastLinear]
    x = torch.randn(2, 3, 5, 5)
    for _ in range(2):  # the second call reads the kept casts
        with torch.autocast(**AUTOCAST):
            ours = layers(x)
        torch.testing.assert_close(ours, autocast_reference(layers, x),
                                   rtol=0, atol=0)
    assert layers[2]._frozen_cast[1][0].dtype == torch.bfloat16
    layers[2].load_state_dict({'weight': torch.ones(6, 100),
                               'bias': torch.zeros(6)})
    with torch.autocast(**AUTOCAST):
        reloaded = layers(x)
    torch.testing.assert_close(reloaded, autocast_reference(layers, x),
                               rtol=0, atol=0)
    assert list(layers.state_dict()) == ['0.weight', '0.bias', '2.weight',
                                         '2.bias']
    assert all(v.dtype == torch.float32 for v in layers.state_dict().values())


def test_training_weights_and_fp32_keep_the_plain_forward():
    layers = frozen_layers()
    x = torch.randn(2, 3, 5, 5)
    torch.testing.assert_close(layers(x), plain_forward(layers, x),
                               rtol=0, atol=0)
    assert not hasattr(layers[0], '_frozen_cast')  # fp32: nothing kept
    layers[2].requires_grad_(True)
    with torch.autocast(**AUTOCAST):
        layers(x)
    assert not hasattr(layers[2], '_frozen_cast')


def univ_loss_and_grads(model, rgb, ir):
    model.zero_grad()
    with torch.autocast(**AUTOCAST):
        losses = model.loss(dict(rgb=rgb, ir=ir))
        loss, _ = model.parse_losses(losses)
    loss.backward()
    return loss.detach(), {n: p.grad.clone()
                           for n, p in model.backbone.named_parameters()
                           if p.grad is not None}


def test_univ_losses_and_lora_gradients_equal_autocasts():
    torch.manual_seed(0)
    model = MODELS.build(tiny_univ())
    model.init_weights()
    for name, param in model.backbone.named_parameters():
        if 'lora_B' in name:
            nn.init.normal_(param, std=0.1)
    assert isinstance(model.teacher.layers[0].attn.qkv, FrozenCastLinear)
    rgb, ir = torch.randn(2, 3, 32, 32), torch.randn(2, 3, 32, 32)
    ours = univ_loss_and_grads(model, rgb, ir)
    with mock.patch.object(lora_layers, 'frozen_forward',
                           return_value=None):
        reference = univ_loss_and_grads(model, rgb, ir)
    torch.testing.assert_close(ours[0], reference[0], rtol=0, atol=0)
    assert ours[1].keys() == reference[1].keys() and ours[1]
    for name in ours[1]:
        torch.testing.assert_close(ours[1][name], reference[1][name],
                                   rtol=0, atol=0)


def test_unmerge_drops_the_kept_cast():
    torch.manual_seed(0)
    backbone = MODELS.build(tiny_vit(lora_cfg=dict(lora_dropout=0)))
    qkv = backbone.layers[0].attn.qkv
    with torch.autocast(**AUTOCAST):
        backbone.forward_tokens(torch.randn(1, 3, 32, 32))
    assert qkv.base_layer._frozen_cast is not None
    qkv.merge()
    qkv.unmerge()
    assert qkv.base_layer._frozen_cast is None
