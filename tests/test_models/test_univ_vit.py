"""UNIVVisionTransformer: tokens, attention, dense outputs and LoRA."""
import pytest
import torch
from helpers import TINY_ARCH, tiny_vit
from mmengine.runner import save_checkpoint
from mmpretrain.models import VisionTransformer

from univ_mm.registry import MODELS


def build(**overrides):
    torch.manual_seed(0)
    model = MODELS.build(tiny_vit(**overrides))
    model.init_weights()
    model.eval()  # mmpretrain's backbones return None from train()
    return model


def plain_vit(**overrides) -> VisionTransformer:
    cfg = dict(arch=TINY_ARCH, img_size=32, patch_size=8,
               out_type='featmap')
    cfg.update(overrides)
    model = VisionTransformer(**cfg)
    model.eval()
    return model


def randomise_lora(model) -> None:
    """Give every LoRA B a non-zero value, so the adapters change outputs."""
    generator = torch.Generator().manual_seed(1)
    for name, param in model.named_parameters():
        if 'lora_B' in name:
            param.data = torch.randn(param.shape, generator=generator) * 0.1


def reference_attention(model, images):
    """Last-block attention computed by hand from its qkv projection."""
    captured = {}
    last = model.layers[-1]
    handle = last.register_forward_pre_hook(
        lambda module, args: captured.setdefault('x', args[0]))
    model(images)
    handle.remove()
    x = last.ln1(captured['x'])
    batch, tokens, _ = x.shape
    heads = last.attn.num_heads
    qkv = last.attn.qkv(x).reshape(batch, tokens, 3, heads, -1)
    q, k, _ = qkv.permute(2, 0, 3, 1, 4)
    return (q @ k.transpose(-2, -1) * q.shape[-1]**-0.5).softmax(-1)


@pytest.mark.parametrize('with_cls_token', [True, False])
def test_tokens_and_attention_shapes(with_cls_token):
    model = build(with_cls_token=with_cls_token)
    images = torch.randn(2, 3, 32, 32)
    tokens, attention = model.forward_tokens(images, with_attention=True)
    assert tokens.shape == (2, 16, 32)
    assert attention.shape == (2, 2, 16, 16)
    torch.testing.assert_close(attention.sum(-1), torch.ones(2, 2, 16))


def test_cls_token_attention_is_renormalised_patch_block():
    model = build(with_cls_token=True)
    images = torch.randn(2, 3, 32, 32)
    _, attention = model.forward_tokens(images, with_attention=True)
    full = reference_attention(model, images)
    block = full[..., 1:, 1:]
    torch.testing.assert_close(attention, block / block.sum(-1, True))


def test_explicit_and_fused_paths_give_the_same_tokens():
    model = build()
    images = torch.randn(2, 3, 32, 32)
    fused, none = model.forward_tokens(images)
    explicit, _ = model.forward_tokens(images, with_attention=True)
    assert none is None
    torch.testing.assert_close(fused, explicit, atol=1e-5, rtol=1e-5)


def test_only_the_last_block_records_attention():
    model = build()
    recorder = model.attention_recorder
    assert model.layers[-1].attn.scaled_dot_product_attention is recorder
    assert model.layers[0].attn.scaled_dot_product_attention is not recorder


def test_tokens_are_the_last_featmap():
    model = build()
    images = torch.randn(2, 3, 32, 32)
    tokens, _ = model.forward_tokens(images)
    (featmap, ) = model(images)
    torch.testing.assert_close(featmap.flatten(2).transpose(1, 2), tokens)


def test_dense_outputs_match_mmpretrain():
    model = build(out_indices=(0, 1))
    plain = plain_vit(out_indices=(0, 1))
    plain.load_state_dict(model.state_dict())
    images = torch.randn(2, 3, 32, 32)
    ours, theirs = model(images), plain(images)
    assert [o.shape for o in ours] == [(2, 32, 4, 4)] * 2
    for a, b in zip(ours, theirs, strict=True):
        torch.testing.assert_close(a, b)


@pytest.mark.parametrize('arch', ['s', 'deit-t', 'deit-s', 'dinov2-s'])
def test_arch_names_keep_mmpretrain_meanings(arch):
    ours = MODELS.get('UNIVVisionTransformer').arch_zoo[arch]
    assert ours == VisionTransformer.arch_zoo[arch]


def test_deit_t_builds_the_vit_t_of_deit():
    tiny = MODELS.build(dict(type='UNIVVisionTransformer', arch='deit-t'))
    assert (tiny.embed_dims, tiny.num_layers) == (192, 12)


def test_lora_wraps_every_target_and_trains_only_lora():
    model = build(lora_cfg=dict())
    wrapped = [name for name, _ in model.lora_layers()]
    assert len(wrapped) == 4 * TINY_ARCH['num_layers']
    assert 'layers.0.ffn.layers.0.0' in wrapped
    trainable = [n for n, p in model.named_parameters() if p.requires_grad]
    assert trainable and all('lora_' in n for n in trainable)


def test_lora_gradients_reach_only_lora_weights():
    model = build(lora_cfg=dict(lora_dropout=0.0))
    model.train()
    randomise_lora(model)
    tokens, _ = model.forward_tokens(torch.randn(2, 3, 32, 32))
    tokens.square().mean().backward()
    with_grad = {n for n, p in model.named_parameters() if p.grad is not None}
    lora = {n for n, _ in model.named_parameters() if 'lora_' in n}
    assert with_grad == lora
    assert all(model.get_parameter(n).grad.abs().sum() > 0 for n in lora)


def test_lora_without_match_raises():
    with pytest.raises(ValueError, match='matched no linear layer'):
        build(lora_cfg=dict(target_modules=['attn.nothing']))


def test_lora_starts_as_the_base_model():
    model = build(lora_cfg=dict())
    images = torch.randn(2, 3, 32, 32)
    adapted, _ = model.forward_tokens(images)
    with model.plain_view():
        base, _ = model.forward_tokens(images)
        assert not list(model.lora_layers())
    torch.testing.assert_close(adapted, base)


def test_pretrained_plain_checkpoint_loads_into_lora_model(tmp_path):
    source = plain_vit()
    torch.nn.init.normal_(source.layers[0].attn.qkv.weight)
    path = tmp_path / 'plain.pth'
    save_checkpoint(dict(state_dict=source.state_dict()), str(path))
    model = build(lora_cfg=dict(),
                  init_cfg=dict(type='Pretrained', checkpoint=str(path)))
    with model.plain_view():
        loaded = model.state_dict()
    for key, value in source.state_dict().items():
        torch.testing.assert_close(loaded[key], value)
    assert all(p.abs().sum() == 0 for n, p in model.named_parameters()
               if 'lora_B' in n)


def test_merged_weights_reproduce_the_adapted_model():
    model = build(lora_cfg=dict())
    randomise_lora(model)
    merged = model.merged_state_dict()
    plain = plain_vit()
    plain.load_state_dict(merged, strict=True)
    images = torch.randn(2, 3, 32, 32)
    difference = (plain(images)[0] - model(images)[0]).abs().max()
    assert difference < 1e-4
    assert set(merged) == set(plain.state_dict())
    assert not any('lora' in key for key in merged)


def test_whole_model_checkpoint_loads_without_a_prefix(tmp_path):
    source = plain_vit()
    torch.nn.init.normal_(source.ln1.weight)
    path = tmp_path / 'classifier.pth'
    state = {f'backbone.{k}': v for k, v in source.state_dict().items()}
    save_checkpoint(dict(state_dict=state), str(path))
    model = build(init_cfg=dict(type='Pretrained', checkpoint=str(path)))
    torch.testing.assert_close(model.ln1.weight, source.ln1.weight)


def test_checkpoint_matching_nothing_raises(tmp_path):
    path = tmp_path / 'other.pth'
    save_checkpoint(dict(state_dict=dict(fc=torch.zeros(2))), str(path))
    with pytest.raises(KeyError, match='has no weight of this ViT'):
        build(init_cfg=dict(type='Pretrained', checkpoint=str(path)))


def test_frozen_stages_stay_in_eval_mode():
    model = build(frozen_stages=TINY_ARCH['num_layers'], drop_rate=0.1)
    model.train()
    assert not any(layer.training for layer in model.layers)
    assert not any(p.requires_grad for p in model.layers.parameters())
