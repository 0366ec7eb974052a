"""UNIVConvMAE: release layout, tokens, attention, dense maps and LoRA."""
import pytest
import torch
from peft.tuners.lora import LoraLayer

from univ_mm.models.backbones.univ_convmae import LORA_TARGETS
from univ_mm.registry import MODELS


def tiny(**overrides):
    """A tiny ConvMAE, initialised, in eval mode."""
    torch.manual_seed(0)
    cfg = dict(type='UNIVConvMAE', arch='tiny', img_size=64)
    model = MODELS.build({**cfg, **overrides})
    model.init_weights()
    return model.eval()


def randomise_lora(model) -> None:
    """Non-zero LoRA B, so the adapters change outputs."""
    generator = torch.Generator().manual_seed(1)
    for name, param in model.named_parameters():
        if 'lora_B' in name:
            param.data = torch.randn(param.shape, generator=generator) * 0.1


def release_encoder_size(dims=(256, 384, 768), depths=(2, 2, 11),
                         tokens=196) -> int:
    """Parameters of the release's ConvMAE-B encoder, by its layer shapes."""
    def embed(cin, cout, k):
        return cin * cout * k * k + cout + 2 * cout

    def conv_block(d):
        return 2 * d + 2 * (d * d + d) + 25 * d + d + 2 * d + \
            (d * 4 * d + 4 * d) + (4 * d * d + d)

    def block(d):
        return 2 * d + (3 * d * d + 3 * d) + (d * d + d) + 2 * d + \
            (4 * d * d + 4 * d) + (4 * d * d + d)

    return (embed(3, dims[0], 4) + embed(dims[0], dims[1], 2) +
            embed(dims[1], dims[2], 2) + dims[2] * dims[2] + dims[2] +
            tokens * dims[2] + depths[0] * conv_block(dims[0]) +
            depths[1] * conv_block(dims[1]) + depths[2] * block(dims[2]) +
            2 * dims[2])


def test_convmae_b_has_the_release_names_shapes_and_epsilons():
    with torch.device('meta'):
        model = MODELS.build(dict(type='UNIVConvMAE', arch='b',
                                  out_indices=(2, )))
    state = model.state_dict()
    assert sum(v.numel() for v in state.values()) == release_encoder_size()
    shapes = {
        'patch_embed1.proj.weight': (256, 3, 4, 4),
        'patch_embed3.norm.bias': (768, ),
        'patch_embed4.weight': (768, 768),
        'pos_embed': (1, 196, 768),
        'blocks1.0.conv1.weight': (256, 256, 1, 1),
        'blocks1.1.attn.weight': (256, 1, 5, 5),
        'blocks2.1.mlp.fc1.weight': (1536, 384, 1, 1),
        'blocks3.10.attn.qkv.weight': (2304, 768),
        'blocks3.10.mlp.fc2.bias': (768, ),
        'norm.weight': (768, ),
    }
    for key, shape in shapes.items():
        assert tuple(state[key].shape) == shape, key
    assert model.patch_embed1.norm.eps == model.blocks1[0].norm1.eps == 1e-5
    assert model.blocks3[0].norm1.eps == model.norm.eps == 1e-6


def test_tokens_and_attention():
    model = tiny()
    tokens, attention = model.forward_tokens(torch.randn(2, 3, 64, 64),
                                             with_attention=True)
    assert tokens.shape == (2, 16, 32)
    assert attention.shape == (2, 2, 16, 16)
    torch.testing.assert_close(attention.sum(-1), torch.ones(2, 2, 16))
    plain, none = model.forward_tokens(torch.randn(2, 3, 64, 64))
    assert plain.shape == (2, 16, 32) and none is None


def test_attention_is_the_softmax_of_the_last_blocks_qkv():
    model = tiny()
    images = torch.randn(1, 3, 64, 64)
    captured = {}
    last = model.blocks3[-1]
    last.register_forward_pre_hook(
        lambda module, args: captured.update(x=args[0]))
    _, attention = model.forward_tokens(images, with_attention=True)
    q, k, _ = last.attn.qkv(last.norm1(captured['x'])).reshape(
        1, 16, 3, 2, 16).permute(2, 0, 3, 1, 4)
    expected = (q @ k.transpose(-2, -1) * 16**-0.5).softmax(-1)
    torch.testing.assert_close(attention, expected)


def test_other_input_sizes_resize_the_position_embedding():
    tokens, _ = tiny().forward_tokens(torch.randn(1, 3, 96, 128))
    assert tokens.shape == (1, 6 * 8, 32)


def test_dense_maps_at_512_have_strides_4_8_16_32():
    model = tiny(img_size=512, use_rel_pos_bias=True,
                 layer_scale_init_value=1.0, drop_path_rate=0.2,
                 final_norm=False)
    maps = model(torch.randn(1, 3, 512, 512))
    assert [m.shape for m in maps] == [
        (1, 16, 128, 128), (1, 24, 64, 64), (1, 32, 32, 32),
        (1, 32, 16, 16)]
    assert not hasattr(model, 'norm')


def test_relative_position_bias_enters_the_attention():
    model = tiny(use_rel_pos_bias=True)
    images = torch.randn(1, 3, 64, 64)
    before = model(images)[2]
    table = model.blocks3[0].attn.relative_position_bias_table
    assert table.shape == (7 * 7, 2) and not table.any()
    table.data.normal_()
    assert not torch.allclose(before, model(images)[2])
    # another input size resizes the table instead of failing
    assert model(torch.randn(1, 3, 96, 64))[2].shape == (1, 32, 6, 4)


def test_lora_only_on_the_release_targets():
    model = tiny(lora_cfg=dict(lora_dropout=0.0))
    wrapped = {name for name, _ in model.lora_layers()}
    assert wrapped == {
        'patch_embed1.proj', 'patch_embed2.proj', 'patch_embed3.proj',
        'patch_embed4', 'blocks1.0.mlp.fc1', 'blocks1.0.mlp.fc2',
        'blocks2.0.mlp.fc1', 'blocks2.0.mlp.fc2',
        *(f'blocks3.{i}.{layer}' for i in range(2) for layer in (
            'attn.qkv', 'attn.proj', 'mlp.fc1', 'mlp.fc2'))}
    assert all(name.rsplit('.', 1)[-1] in LORA_TARGETS for name in wrapped)
    assert all(isinstance(layer, LoraLayer) for _, layer in
               model.lora_layers())


def test_gradients_reach_only_lora():
    model = tiny(lora_cfg=dict(lora_dropout=0.0)).train()
    randomise_lora(model)
    tokens, _ = model.forward_tokens(torch.randn(2, 3, 64, 64))
    tokens.square().mean().backward()
    grads = {n for n, p in model.named_parameters() if p.grad is not None}
    assert grads and all('lora_' in n for n in grads)
    assert {n for n, p in model.named_parameters() if p.requires_grad} == \
        grads


def test_merged_state_dict_gives_the_adapted_outputs():
    model = tiny(lora_cfg=dict(lora_dropout=0.0))
    randomise_lora(model)
    images = torch.randn(2, 3, 64, 64)
    adapted, _ = model.forward_tokens(images)
    plain = tiny()
    plain.load_state_dict(model.merged_state_dict())
    merged, _ = plain.forward_tokens(images)
    assert (merged - adapted).abs().max() < 1e-4


def test_layer_depth_is_convmaes_rule():
    model = tiny()
    depth = model.get_layer_depth
    assert depth('backbone.patch_embed1.proj.weight', 'backbone.') == (0, 4)
    assert depth('backbone.blocks2.0.conv1.weight', 'backbone.') == (0, 4)
    assert depth('backbone.pos_embed', 'backbone.') == (0, 4)
    assert depth('backbone.blocks3.1.attn.qkv.weight', 'backbone.') == (2, 4)
    assert depth('backbone.fpn.0.weight', 'backbone.') == (3, 4)
    assert depth('decode_head.conv_seg.weight', 'backbone.') == (3, 4)


def test_frozen_stages_stay_frozen_and_in_eval():
    model = tiny(frozen_stages=3, out_indices=(0, 1, 2),
                 drop_path_rate=0.5).train()
    assert not any(p.requires_grad for p in model.parameters())
    assert not any(m.training for m in model.blocks3.modules())
    images = torch.randn(1, 3, 64, 64)
    for a, b in zip(model(images), model.eval()(images), strict=True):
        torch.testing.assert_close(a, b)


@pytest.mark.parametrize('bad', [dict(out_indices=(4, )),
                                 dict(frozen_stages=4)])
def test_bad_arguments_raise_early(bad):
    with pytest.raises(ValueError, match='out_indices'):
        tiny(**bad)


def test_univ_compiles_every_convolution_and_transformer_block(monkeypatch):
    compiled = []
    monkeypatch.setattr(torch.nn.Module, 'compile',
                        lambda self, **options: compiled.append(self))
    convmae = dict(type='UNIVConvMAE', arch='tiny', img_size=64,
                   out_indices=(2, ))
    model = MODELS.build(dict(
        type='UNIV', backbone=dict(convmae, lora_cfg=dict(lora_dropout=0.)),
        teacher=convmae, compile_student=True))
    student = model.backbone
    assert compiled == [*student.blocks1, *student.blocks2, *student.blocks3]
    assert student.token_stride == 16


def test_maps_are_contiguous_for_a_neck_and_mmcv_roi_align():
    """Channels-last stage maps through an FPN misread by MMCV's CPU
    RoIAlign (it ignores strides): the maps must leave contiguous."""
    from mmcv.ops import roi_align
    from mmdet.models.necks import FPN
    from torchvision.ops import roi_align as reference

    backbone = MODELS.build(dict(type='UNIVConvMAE', arch='tiny', img_size=64,
                                 out_indices=(0, 1, 2, 3)))
    maps = backbone(torch.randn(1, 3, 64, 64))
    assert all(m.is_contiguous() for m in maps)
    level = FPN([16, 24, 32, 32], 8, 4)(maps)[0]
    rois = torch.tensor([[0., 2., 3., 40., 50.]])
    torch.testing.assert_close(
        roi_align(level, rois, (7, 7), 0.25, 0, 'avg', True),
        reference(level, rois, (7, 7), 0.25, 0, aligned=True))
