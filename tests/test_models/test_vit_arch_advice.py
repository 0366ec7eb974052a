"""A ViT checkpoint of another size names the arch to pick and the keys
that follow from it (the demo's ViT-T export in a ViT-B config)."""
import pytest
import torch

from univ_mm.models.backbones import UNIVVisionTransformer
from univ_mm.models.backbones.pretrained import WIDTH_KEYS, load_pretrained


def vit(arch: str, **kwargs) -> UNIVVisionTransformer:
    return UNIVVisionTransformer(arch=arch, img_size=32, patch_size=16,
                                 **kwargs)


def test_a_narrower_export_names_its_arch_and_the_width_keys(tmp_path):
    path = tmp_path / 'univ_backbone_iter_160.pth'
    torch.save(vit('deit-t').state_dict(), path)
    with pytest.raises(ValueError) as error:
        load_pretrained(vit('deit-s'), path)
    message = str(error.value)
    assert "model.backbone.arch='deit-t'" in message
    assert 'model.backbone.patch_size=16' in message
    assert 'width 192' in message
    assert all(key in message for key in WIDTH_KEYS)


def test_another_depth_names_an_arch_of_that_depth(tmp_path):
    path = tmp_path / 'shallow.pth'
    shallow = dict(embed_dims=192, num_layers=6, num_heads=3,
                   feedforward_channels=768)
    torch.save(vit(shallow).state_dict(), path)
    with pytest.raises(KeyError, match=r'width 192, 6 blocks, patch 16: set '
                       r'model\.backbone\.arch=dict\(embed_dims=192, '
                       r'num_layers=6'):
        load_pretrained(vit('deit-t'), path)
