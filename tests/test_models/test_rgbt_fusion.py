"""RGBTFusionBackbone: one backbone for RGB and thermal, fused per level."""
import pytest
import torch
from helpers import TINY_ARCH, tiny_vit, train_lora_by_hand
from torch import nn

from univ_mm.models import RGBTFusionBackbone, UNIVVisionTransformer
from univ_mm.models.backbones.merged_export import export_merged_backbone
from univ_mm.models.backbones.pretrained import read_checkpoint
from univ_mm.registry import MODELS, OPTIM_WRAPPER_CONSTRUCTORS

#: Per tiny backbone: its config, channels per level and input size. The
#: ViT reads featmaps of every layer without final norm, as the UperNet
#: config does for (3, 5, 7, 11) of ViT-B.
BACKBONES = dict(
    vit=(tiny_vit(out_indices=(0, 1), final_norm=False), (32, 32), 32),
    convmae=(dict(type='UNIVConvMAE', arch='tiny', img_size=64),
             (16, 24, 32, 32), 64))
FUSIONS = ('sum', 'concat', 'gate')


def build(cfg: dict) -> nn.Module:
    """Build ``cfg`` from seed 0, initialised, in eval mode."""
    torch.manual_seed(0)
    model = MODELS.build(cfg)
    model.init_weights()
    return model.eval()


def fused(name: str = 'vit', **kwargs) -> RGBTFusionBackbone:
    backbone, channels, _ = BACKBONES[name]
    return build(dict(dict(type='RGBTFusionBackbone', backbone=backbone,
                           channels=channels), **kwargs))


def inputs(name: str = 'vit', num: int = 3) -> torch.Tensor:
    """``[num, 6, H, W]`` random RGB-T images."""
    return torch.randn(num, 6, BACKBONES[name][2], BACKBONES[name][2],
                       generator=torch.Generator().manual_seed(1))


def swapped(x: torch.Tensor) -> torch.Tensor:
    """The same images with RGB and thermal exchanged."""
    return torch.cat([x[:, 3:], x[:, :3]], 1)


class BatchRecorder:
    """Record every batch the hooked backbone runs on."""

    def __init__(self, backbone: nn.Module) -> None:
        self.batches = []
        backbone.register_forward_pre_hook(
            lambda _, args: self.batches.append(args[0].clone()))


@pytest.mark.parametrize('fusion', FUSIONS)
@pytest.mark.parametrize('name', list(BACKBONES))
def test_outputs_are_shaped_as_one_modality_of_the_backbone(name, fusion):
    model = fused(name, fusion=fusion)
    single = build(BACKBONES[name][0])
    x = inputs(name)
    with torch.no_grad():
        expected = single(x[:, :3])
        got = model(x)
    assert [o.shape for o in got] == [e.shape for e in expected]


@pytest.mark.parametrize('name', list(BACKBONES))
def test_both_modalities_share_the_weights_in_one_batch(name):
    model = fused(name)
    recorder = BatchRecorder(model.backbone)
    x = inputs(name)
    with torch.no_grad():
        got = model(x)
        rgb, ir = model.backbone(x[:, :3]), model.backbone(x[:, 3:])
    assert [len(b) for b in recorder.batches] == [6, 3, 3]
    for level, r, i in zip(got, rgb, ir, strict=True):
        torch.testing.assert_close(level, r + i)


@pytest.mark.parametrize('missing', ('zeros', 'token'))
@pytest.mark.parametrize('fusion', FUSIONS)
def test_parameters_are_one_backbone_plus_the_fusers(fusion, missing):
    model = fused(fusion=fusion, missing=missing)
    single = build(BACKBONES['vit'][0])
    channels = BACKBONES['vit'][1]
    fuser_size = {'sum': 0, 'concat': sum(2 * c * c + c for c in channels),
                  'gate': sum(2 * c * c + c for c in channels)}[fusion]
    token_size = 2 * sum(channels) if missing == 'token' else 0
    total = sum(p.numel() for p in model.parameters())
    assert sum(p.numel() for p in model.fusers.parameters()) == fuser_size
    assert total == sum(p.numel() for p in single.parameters()) + \
        fuser_size + token_size
    assert hasattr(model, 'missing_tokens') == (missing == 'token')


@pytest.mark.parametrize('fusion', FUSIONS)
def test_fusers_start_as_a_symmetric_mix(fusion):
    model = fused(fusion=fusion)
    x = inputs()
    with torch.no_grad():
        got, exchanged = model(x), model(swapped(x))
        rgb, ir = model.backbone(x[:, :3]), model.backbone(x[:, 3:])
    scale = 1 if fusion == 'sum' else 0.5
    for level, other, r, i in zip(got, exchanged, rgb, ir, strict=True):
        torch.testing.assert_close(level, other)
        torch.testing.assert_close(level, scale * (r + i))


def test_a_trained_gate_is_no_longer_symmetric():
    model = fused(fusion='gate')
    with torch.no_grad():
        for fuser in model.fusers:
            fuser.gate.bias.fill_(2.)
        x = inputs()
        assert not torch.allclose(model(x)[0], model(swapped(x))[0])


@pytest.mark.parametrize('missing', ('zeros', 'token'))
def test_dropping_a_modality_changes_the_output(missing):
    model = fused(fusion='gate', missing=missing)
    x = inputs()
    outputs = {}
    with torch.no_grad():
        for drop in (None, 'rgb', 'ir'):
            model.drop_modality = drop
            outputs[drop] = model(x)[-1]
    for a, b in ((None, 'rgb'), (None, 'ir'), ('rgb', 'ir')):
        assert not torch.allclose(outputs[a], outputs[b])


def test_zeros_replaces_the_lost_input_by_zeros():
    model = fused(drop_modality='ir')
    x = inputs()
    with torch.no_grad():
        got = model(x)
        rgb = model.backbone(x[:, :3])
        zeros = model.backbone(torch.zeros_like(x[:, 3:]))
    for level, r, z in zip(got, rgb, zeros, strict=True):
        torch.testing.assert_close(level, r + z)


def test_token_runs_the_backbone_on_the_kept_images_only():
    model = fused(missing='token', drop_modality='rgb')
    with torch.no_grad():
        for token in model.missing_tokens:
            token.normal_()
    recorder = BatchRecorder(model.backbone)
    x = inputs()
    with torch.no_grad():
        got = model(x)
        ir = model.backbone(x[:, 3:])
    assert [len(b) for b in recorder.batches] == [3, 3]
    torch.testing.assert_close(recorder.batches[0], x[:, 3:])
    for level, (out, i) in enumerate(zip(got, ir, strict=True)):
        rgb_token = model.missing_tokens[level][0][:, None, None]
        torch.testing.assert_close(out, i + rgb_token)


def zeroed(batch: torch.Tensor) -> torch.Tensor:
    """``[2, N]``: whether each RGB (row 0) and IR (row 1) input is zero."""
    return (batch == 0).flatten(1).all(1).view(2, -1)


def test_modality_dropout_one_drops_exactly_one_modality_per_sample():
    model = fused(modality_dropout=1.0).train()
    recorder = BatchRecorder(model.backbone)
    model(inputs(num=16))
    lost = zeroed(recorder.batches[0])
    assert lost.sum(0).eq(1).all()
    assert lost[0].any() and lost[1].any()
    token = fused(modality_dropout=1.0, missing='token').train()
    recorder = BatchRecorder(token.backbone)
    token(inputs(num=16))
    assert [len(b) for b in recorder.batches] == [16]


@pytest.mark.parametrize('train, rate', ((True, 0.0), (False, 1.0)))
def test_no_modality_is_dropped_without_dropout_or_in_eval(train, rate):
    model = fused(modality_dropout=rate).train(train)
    recorder = BatchRecorder(model.backbone)
    model(inputs(num=8))
    assert not zeroed(recorder.batches[0]).any()
    assert not model.lost_modalities(8).any()


def test_drop_modality_is_honoured_in_training_over_dropout():
    model = fused(modality_dropout=1.0, drop_modality='rgb').train()
    lost = model.lost_modalities(8)
    assert lost[:, 0].all() and not lost[:, 1].any()


@pytest.mark.parametrize('lora_cfg', (None, dict(lora_dropout=0)))
def test_inner_backbone_loads_a_merged_export_unchanged(lora_cfg, tmp_path):
    torch.manual_seed(0)
    student = UNIVVisionTransformer(arch=TINY_ARCH, img_size=32,
                                    patch_size=8,
                                    lora_cfg=dict(lora_dropout=0))
    train_lora_by_hand(student)
    export = export_merged_backbone(student, tmp_path / 'univ_backbone.pth',
                                    iter=1)
    model = fused(backbone=tiny_vit(
        lora_cfg=lora_cfg, init_cfg=dict(type='Pretrained',
                                         checkpoint=str(export))),
        channels=(32, ))
    exported = read_checkpoint(export)['state_dict']
    loaded = model.backbone.merged_state_dict()
    assert loaded.keys() == exported.keys()
    for key, value in exported.items():
        torch.testing.assert_close(loaded[key], value, rtol=0, atol=0)


class Segmentor(nn.Module):
    """The fused backbone plus a head, as mmseg/mmdet models are laid out."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.backbone = fused(name, fusion='gate', missing='token')
        self.head = nn.Conv2d(32, 4, 1)


@pytest.mark.parametrize('name, block, stem', (
    ('vit', 'layers', 'patch_embed.projection.weight'),
    ('convmae', 'blocks3', 'patch_embed1.proj.weight')))
def test_layer_decay_reaches_the_inner_backbone(name, block, stem):
    constructor = OPTIM_WRAPPER_CONSTRUCTORS.build(dict(
        type='LayerDecayOptimWrapperConstructor',
        optim_wrapper_cfg=dict(optimizer=dict(type='AdamW', lr=1.0,
                                              weight_decay=0.05)),
        paramwise_cfg=dict(layer_decay_rate=0.5)))
    groups = {g['param_name']: g for g in
              constructor(Segmentor(name)).optimizer.param_groups}
    depth = 2
    for i in range(depth):
        lr = groups[f'backbone.backbone.{block}.{i}.attn.qkv.weight']['lr']
        assert lr == pytest.approx(0.5**(depth - i))
    assert groups[f'backbone.backbone.{stem}']['lr'] == \
        pytest.approx(0.5**(depth + 1))
    for key in ('backbone.fusers.0.gate.weight', 'backbone.missing_tokens.0',
                'head.weight'):
        assert groups[key]['lr'] == 1.0


@pytest.mark.parametrize('channels, match', (
    ((32, 16), 'level 1: channels\\[1\\]=16, but the backbone returns 32'),
    ((32, ), 'names 1 levels, but the backbone returns 2')))
def test_a_channel_mismatch_names_the_level(channels, match):
    model = fused(channels=channels)
    with pytest.raises(ValueError, match=match):
        model(inputs())


@pytest.mark.parametrize('kwargs, match', (
    (dict(fusion='max'), 'fusion'),
    (dict(missing='mean'), 'missing'),
    (dict(drop_modality='depth'), 'drop_modality'),
    (dict(modality_dropout=1.5), 'modality_dropout')))
def test_bad_settings_are_refused(kwargs, match):
    with pytest.raises(ValueError, match=match):
        fused(**kwargs)


def test_bad_drop_modality_set_later_and_bad_inputs_are_refused():
    model = fused()
    with pytest.raises(ValueError, match='drop_modality'):
        model.drop_modality = 'thermal'
    with pytest.raises(ValueError, match=r'\[N, 6, H, W\]'):
        model(torch.randn(1, 3, 32, 32))
