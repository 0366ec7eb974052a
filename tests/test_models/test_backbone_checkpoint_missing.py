"""A missing backbone checkpoint says how to make one or pass another."""
import pytest
from torch import nn

from univ_mm.models.backbones.pretrained import CONVMAE, VIT, load_pretrained


@pytest.mark.parametrize('arch', [VIT, CONVMAE], ids=['vit', 'convmae'])
def test_missing_backbone_checkpoint_names_the_export_and_override(
        tmp_path, arch):
    path = tmp_path / 'checkpoints' / 'univ_vit-b-p16_mvip_backbone.pth'
    with pytest.raises(FileNotFoundError) as err:
        load_pretrained(nn.Linear(2, 2), str(path), arch=arch)
    message = str(err.value)
    assert str(path) in message
    assert 'tools/export_backbone.py' in message
    assert 'univ_backbone_iter_N.pth' in message
    assert '--cfg-options model.backbone.init_cfg.checkpoint=PATH' in message
