"""The merged backbone in timm's, Hugging Face's and the ConvMAE release's
formats: each library loads it and gives our tokens; our readers read it
back exactly; wrong requests fail with what to do."""
import json
from pathlib import Path

import pytest
import timm
import torch
import transformers
from helpers import TINY_ARCH, train_lora_by_hand
from mmengine.config import Config

from univ_mm.deploy.backbone_export import convert_backbone
from univ_mm.deploy.model_card import sha256
from univ_mm.models import UNIVConvMAE, UNIVVisionTransformer
from univ_mm.models.backbones.merged_export import export_merged_backbone
from univ_mm.models.backbones.pretrained import (
    convert_vit,
    load_pretrained,
    read_checkpoint,
)
from univ_mm.registry import MODELS

#: The issue's bound on token differences through the other libraries.
TOKEN_ATOL = 1e-5
PRETRAIN = 'configs/pretrain/univ_vit-t_synthetic-demo.py'


def lora_student(cls=UNIVVisionTransformer, **kwargs) -> torch.nn.Module:
    """A trained-looking LoRA student: random LoRA B, norms, embeddings."""
    torch.manual_seed(0)
    model = cls(lora_cfg=dict(lora_dropout=0), **kwargs)
    train_lora_by_hand(model)
    with torch.no_grad():
        for name, param in model.named_parameters():
            if any(part in name for part in ('ln', 'norm', 'cls', 'pos')):
                param.normal_(0.5, 0.5)
    return model.eval()


@pytest.fixture(scope='module')
def vit() -> torch.nn.Module:
    return lora_student(arch=TINY_ARCH, img_size=32, patch_size=8)


@pytest.fixture
def vit_export(vit, tmp_path) -> Path:
    return export_merged_backbone(vit, tmp_path / 'univ_backbone_iter_4.pth',
                                  iter=4)


def our_tokens(model: torch.nn.Module, images: torch.Tensor) -> torch.Tensor:
    with torch.no_grad():
        return model.forward_tokens(images)[0]


def test_timm_loads_the_export_and_gives_our_tokens(vit, vit_export,
                                                    tmp_path):
    out, card = convert_backbone(vit_export, tmp_path / 'univ.safetensors',
                                 'timm', PRETRAIN)
    card = json.loads(card.read_text())
    model = timm.create_model(
        card['model_name'], pretrained=True,
        pretrained_cfg_overlay=dict(file=str(out)),
        **card['create_model_kwargs']).eval()
    images = torch.randn(2, 3, 32, 32)
    with torch.no_grad():
        tokens = model.forward_features(images)[:, 1:]
    torch.testing.assert_close(tokens, our_tokens(vit, images),
                               atol=TOKEN_ATOL, rtol=0)
    assert card['sha256'] == {out.name: sha256(out)}
    assert card['iter'] == 4 and card['config'] == PRETRAIN
    assert card['teacher']['arch'] == Config.fromfile(
        PRETRAIN).model.teacher.arch


def test_hf_vitmodel_loads_the_export_and_gives_our_tokens(vit, vit_export,
                                                           tmp_path):
    out, card = convert_backbone(vit_export, tmp_path / 'hf', 'hf')
    model = transformers.ViTModel.from_pretrained(
        out, add_pooling_layer=False).eval()
    images = torch.randn(2, 3, 32, 32)
    with torch.no_grad():
        tokens = model(pixel_values=images).last_hidden_state[:, 1:]
    torch.testing.assert_close(tokens, our_tokens(vit, images),
                               atol=TOKEN_ATOL, rtol=0)
    card = json.loads(card.read_text())
    assert set(card['sha256']) == {'config.json', 'model.safetensors'}
    assert card['teacher'].startswith('not recorded')


@pytest.mark.parametrize('fmt, out', [('timm', 'univ.safetensors'),
                                      ('hf', 'hf')])
def test_timm_and_hf_exports_read_back_by_our_loader_exactly(
        fmt, out, vit_export, tmp_path):
    convert_backbone(vit_export, tmp_path / out, fmt)
    read = convert_vit(read_checkpoint(tmp_path / out), out).state_dict
    expected = torch.load(vit_export)['state_dict']
    assert read.keys() == expected.keys()
    for key, value in expected.items():
        assert torch.equal(read[key], value), key


def test_convmae_release_round_trips_and_timm_hf_refuse_it(tmp_path):
    convmae = lora_student(UNIVConvMAE, arch='tiny', img_size=64,
                           out_indices=(2, ))
    export = export_merged_backbone(convmae, tmp_path / 'univ_convmae.pth')
    out, _ = convert_backbone(export, tmp_path / 'release.pth',
                              'convmae-release')
    assert torch.load(out)['model'].keys() == convmae.merged_state_dict(
    ).keys()
    plain = MODELS.build(dict(type='UNIVConvMAE', arch='tiny', img_size=64,
                              out_indices=(2, )))
    load_pretrained(plain, str(out))
    for key, value in convmae.merged_state_dict().items():
        assert torch.equal(plain.state_dict()[key], value), key
    for fmt in ('timm', 'hf'):
        with pytest.raises(ValueError, match='univ_convmae.pth is a convmae '
                           'backbone.*Use --format convmae-release'):
            convert_backbone(export, tmp_path / 'x', fmt)


def test_timm_hf_refuse_a_training_checkpoint_and_say_merge_first(
        vit, tmp_path):
    ckpt = tmp_path / 'iter_4.pth'
    torch.save(dict(state_dict={f'backbone.{k}': v for k, v in
                                vit.state_dict().items()}), ckpt)
    for fmt in ('timm', 'hf'):
        with pytest.raises(ValueError, match='iter_4.pth is a training '
                           'checkpoint.*tools/export_backbone.py'):
            convert_backbone(ckpt, tmp_path / 'out', fmt)


def test_hf_refuses_a_vit_without_class_token(tmp_path):
    torch.manual_seed(0)
    vit = UNIVVisionTransformer(arch=TINY_ARCH, img_size=32, patch_size=8,
                                with_cls_token=False, out_type='featmap',
                                lora_cfg=dict(lora_dropout=0))
    export = export_merged_backbone(vit, tmp_path / 'no_cls.pth')
    with pytest.raises(ValueError, match='no_class_token.*--format timm'):
        convert_backbone(export, tmp_path / 'hf', 'hf')
