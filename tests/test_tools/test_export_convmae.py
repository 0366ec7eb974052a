"""tools/export_backbone.py on a ConvMAE student: the release's names."""
import subprocess
import sys

import pytest
import torch
from helpers import train_lora_by_hand
from mmengine.config import Config

from univ_mm.registry import MODELS

#: Runs training or a tool end to end: see ``make test-fast``.
pytestmark = pytest.mark.slow

DEMO = 'configs/pretrain/univ_convmae-tiny_synthetic-demo.py'


def test_export_writes_merged_weights_under_the_release_names(tmp_path):
    cfg = Config.fromfile(DEMO)
    torch.manual_seed(0)
    model = MODELS.build(cfg.model)
    train_lora_by_hand(model.backbone)
    checkpoint = tmp_path / 'iter_4.pth'
    torch.save(dict(state_dict=model.state_dict(),
                    meta=dict(cfg=cfg.pretty_text, iter=4)), checkpoint)
    out = tmp_path / 'univ_convmae.pth'
    subprocess.run([sys.executable, 'tools/export_backbone.py',
                    str(checkpoint), str(out)], check=True)
    exported = torch.load(out)['state_dict']
    expected = model.backbone.merged_state_dict()
    assert set(exported) == set(expected)
    assert {'patch_embed1.proj.weight', 'blocks3.1.attn.qkv.weight',
            'blocks1.0.mlp.fc1.weight'} <= set(exported)
    for key, value in expected.items():
        torch.testing.assert_close(exported[key], value, msg=key)
    # and the export initialises a plain ConvMAE that gives the student's
    # tokens
    plain = MODELS.build(dict(type='UNIVConvMAE', arch='tiny', img_size=112,
                              out_indices=(2, ),
                              init_cfg=dict(type='Pretrained',
                                            checkpoint=str(out))))
    plain.init_weights()
    images = torch.randn(1, 3, 112, 112)
    model.backbone.eval()
    student, _ = model.backbone.forward_tokens(images)
    torch.testing.assert_close(plain.eval().forward_tokens(images)[0],
                               student, atol=1e-4, rtol=1e-4)
