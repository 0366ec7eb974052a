"""SimpleFeaturePyramid: ViTDet's strides from one stride-16 map."""
import pytest
import torch

from univ_mm.registry import MODELS


def build(**kwargs):
    return MODELS.build(dict(type='SimpleFeaturePyramid', in_channels=32,
                             out_channels=16, **kwargs))


def test_levels_have_strides_4_to_64_and_one_width():
    neck = build()
    x = torch.randn(2, 32, 6, 8, requires_grad=True)  # a 96 x 128 input
    outs = neck([torch.zeros(2, 32, 6, 8), x])  # only the last map is used
    assert [tuple(o.shape[2:]) for o in outs] == [
        (24, 32), (12, 16), (6, 8), (3, 4), (2, 2)]
    assert {o.shape[1] for o in outs} == {16}
    sum(o.sum() for o in outs).backward()
    assert x.grad.abs().sum() > 0


def test_upsampling_is_learned_and_normalised_like_vitdet():
    neck = build(num_outs=4)
    deconvs = [m for m in neck.modules()
               if isinstance(m, torch.nn.ConvTranspose2d)]
    assert [(d.in_channels, d.out_channels) for d in deconvs] == [
        (32, 16), (16, 8), (32, 16)]
    assert type(neck.stages[0][1].norm).__name__ == 'LayerNorm2d'
    assert len(neck([torch.randn(1, 32, 4, 4)])) == 4


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match='scale_factors may hold'):
        build(scale_factors=(3.0, ))
    with pytest.raises(ValueError, match='num_outs=3 is smaller'):
        build(num_outs=3)
