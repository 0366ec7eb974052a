"""The one pretrained-weights pipeline: both backbones follow the same
container order, prefix rule and LoRA refusal; what differs is declared."""
import dataclasses

import pytest
import torch
from helpers import tiny_vit

from univ_mm.models import UNIVConvMAE, UNIVVisionTransformer
from univ_mm.models.backbones.pretrained import (
    CONVMAE,
    VIT,
    PretrainedWeightsMixin,
    containers,
    load_pretrained,
)
from univ_mm.registry import MODELS

TINY_CONVMAE = dict(type='UNIVConvMAE', arch='tiny', img_size=64,
                    out_indices=(2, ))
BACKBONES = {'vit': tiny_vit(), 'convmae': TINY_CONVMAE}


def build(name: str, checkpoint=None, prefix=None, **overrides):
    init_cfg = checkpoint and dict(type='Pretrained',
                                   checkpoint=str(checkpoint), prefix=prefix)
    return MODELS.build(dict(BACKBONES[name], init_cfg=init_cfg,
                             **overrides))


def weights(name: str, seed: int) -> dict:
    """A random state of the backbone, different for every seed."""
    torch.manual_seed(seed)
    model = build(name)
    for param in model.parameters():
        torch.nn.init.normal_(param, std=0.05)
    return model.state_dict()


def loaded(name: str, checkpoint: dict, tmp_path, prefix=None) -> dict:
    path = tmp_path / 'checkpoint.pth'
    torch.save(checkpoint, path)
    model = build(name, path, prefix)
    model.init_weights()
    return model.state_dict()


def assert_equal(state: dict, expected: dict) -> None:
    for key, value in expected.items():
        torch.testing.assert_close(state[key], value, msg=key)


def prefixed(prefix: str, state: dict) -> dict:
    return {prefix + k: v for k, v in state.items()}


def test_one_container_order_but_the_declared_trained_network():
    assert containers(VIT) == ('state_dict', 'model', 'teacher', 'student')
    assert containers(CONVMAE) == ('state_dict', 'model', 'student',
                                   'teacher')
    assert UNIVVisionTransformer.pretrained_weights is VIT
    assert UNIVConvMAE.pretrained_weights is CONVMAE


@pytest.mark.parametrize('name', BACKBONES)
def test_both_backbones_search_the_containers_alike(name, tmp_path):
    first, second = weights(name, 0), weights(name, 1)
    # state_dict before model, whatever the file's order
    state = loaded(name, dict(model=second, state_dict=first), tmp_path)
    assert_equal(state, first)
    # a container without the backbone is passed over
    state = loaded(name, dict(state_dict=dict(step=torch.ones(1)),
                              model=second), tmp_path)
    assert_equal(state, second)
    # of two networks, the declared trained one
    trained = containers(build(name).pretrained_weights)[2]
    other = 'student' if trained == 'teacher' else 'teacher'
    state = loaded(name, {other: first, trained: second}, tmp_path)
    assert_equal(state, second)


@pytest.mark.parametrize('name', BACKBONES)
def test_both_backbones_follow_one_prefix_rule(name, tmp_path):
    first, second = weights(name, 0), weights(name, 1)
    # found behind any prefix
    state = loaded(name, dict(state_dict=prefixed('module.backbone.', first)),
                   tmp_path)
    assert_equal(state, first)
    # a prefix the checkpoint lacks is only a preference
    state = loaded(name, dict(state_dict=first), tmp_path,
                   prefix='backbone.')
    assert_equal(state, first)
    # several need one
    both = dict(state_dict={**prefixed('backbone.', first),
                            **prefixed('teacher.', second)})
    with pytest.raises(KeyError, match='holds several .*set init_cfg.prefix'):
        loaded(name, both, tmp_path)
    assert_equal(loaded(name, both, tmp_path, prefix='teacher.'), second)


@pytest.mark.parametrize('name', BACKBONES)
def test_both_backbones_refuse_unmerged_lora_alike(name, tmp_path):
    lora = build(name, lora_cfg=dict(target_modules=['qkv']))
    with pytest.raises(ValueError, match='unmerged LoRA weights that are not '
                       'a univ_mm training checkpoint.*merge them'):
        loaded(name, dict(state_dict=lora.state_dict()), tmp_path)


def test_fresh_keys_are_declared_data(tmp_path):
    """ConvMAE declares its fine-tuning additions fresh; the ViT none, so a
    missing weight raises, unless an architecture declares it fresh."""
    release = weights('convmae', 0)
    model = build('convmae', use_rel_pos_bias=True)
    with model.plain_view():
        table = 'blocks3.0.attn.relative_position_bias_table'
        assert table in model.state_dict() and table not in release
        path = tmp_path / 'release.pth'
        torch.save(dict(model=release), path)
        load_pretrained(model, path)
    assert_equal(model.state_dict(), release)
    assert not model.state_dict()[table].any()

    state = weights('vit', 0)
    state.pop('ln1.weight')
    path = tmp_path / 'vit.pth'
    torch.save(state, path)
    vit = build('vit')
    with pytest.raises(KeyError, match=r'ln1\.weight'):
        load_pretrained(vit, path)
    before = vit.ln1.weight.clone()
    load_pretrained(vit, path, arch=dataclasses.replace(
        VIT, fresh=(r'^ln1\.weight$', )))
    assert_equal(vit.state_dict(), state)
    torch.testing.assert_close(vit.ln1.weight, before)


def test_neither_backbone_overrides_init_weights_to_load():
    for cls in (UNIVVisionTransformer, UNIVConvMAE):
        assert issubclass(cls, PretrainedWeightsMixin)
        assert 'init_weights' not in vars(cls)
