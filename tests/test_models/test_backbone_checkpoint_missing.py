"""A missing backbone checkpoint says how to make one or pass another."""
import pytest
from torch import nn

from univ_mm.models.backbones.pretrained import (
    load_convmae_weights,
    load_pretrained_vit,
)


@pytest.mark.parametrize('load', [load_pretrained_vit, load_convmae_weights])
def test_missing_backbone_checkpoint_names_the_export_and_override(
        tmp_path, load):
    path = tmp_path / 'checkpoints' / 'univ_vit-b-p16_mvip_backbone.pth'
    with pytest.raises(FileNotFoundError) as err:
        load(nn.Linear(2, 2), str(path))
    message = str(err.value)
    assert str(path) in message
    assert 'tools/export_backbone.py' in message
    assert 'univ_backbone_iter_N.pth' in message
    assert '--cfg-options model.backbone.init_cfg.checkpoint=PATH' in message
