"""LayerDecayOptimWrapperConstructor: mmpretrain's rule through .backbone."""
import pytest
from helpers import TINY_ARCH, tiny_vit
from torch import nn

from univ_mm.registry import MODELS, OPTIM_WRAPPER_CONSTRUCTORS


class Segmentor(nn.Module):
    """A backbone plus a head, as mmseg/mmdet models are laid out."""

    def __init__(self) -> None:
        super().__init__()
        self.backbone = MODELS.build(tiny_vit())
        self.head = nn.Conv2d(32, 4, 1)


def groups_by_name(rate: float) -> dict[str, dict]:
    constructor = OPTIM_WRAPPER_CONSTRUCTORS.build(dict(
        type='LayerDecayOptimWrapperConstructor',
        optim_wrapper_cfg=dict(optimizer=dict(type='AdamW', lr=1.0,
                                              weight_decay=0.05)),
        paramwise_cfg=dict(layer_decay_rate=rate, norm_decay_mult=0.0,
                           bias_decay_mult=0.0)))
    wrapper = constructor(Segmentor())
    return {g['param_name']: g for g in wrapper.optimizer.param_groups}


def test_deeper_blocks_get_larger_learning_rates():
    groups = groups_by_name(0.75)
    depth = TINY_ARCH['num_layers']
    assert groups['head.weight']['lr'] == 1.0
    for i in range(depth):
        lr = groups[f'backbone.layers.{i}.attn.qkv.weight']['lr']
        assert lr == pytest.approx(0.75**(depth - i))
    assert groups['backbone.patch_embed.projection.weight']['lr'] == \
        pytest.approx(0.75**(depth + 1))


def test_norms_and_biases_get_no_weight_decay():
    groups = groups_by_name(0.75)
    assert groups['backbone.layers.0.ln1.weight']['weight_decay'] == 0.0
    assert groups['backbone.layers.0.attn.qkv.bias']['weight_decay'] == 0.0
    assert groups['backbone.layers.0.attn.qkv.weight']['weight_decay'] == \
        0.05


def test_a_model_without_a_vit_backbone_is_refused():
    constructor = OPTIM_WRAPPER_CONSTRUCTORS.build(dict(
        type='LayerDecayOptimWrapperConstructor',
        optim_wrapper_cfg=dict(optimizer=dict(type='SGD', lr=1.0)),
        paramwise_cfg=dict(layer_decay_rate=0.7)))
    with pytest.raises(TypeError, match='get_layer_depth'):
        constructor(nn.Linear(2, 2))
