"""The deploy tools end to end (--help: tests/test_tools/test_tool_help.py)."""
import json
import subprocess
import sys

import pytest
import torch
from helpers import TINY_ARCH

from univ_mm.models import UNIVVisionTransformer
from univ_mm.models.backbones.merged_export import export_merged_backbone


@pytest.mark.slow
def test_timm_conversion_tool_writes_the_file_and_its_card(tmp_path):
    vit = UNIVVisionTransformer(arch=TINY_ARCH, img_size=32, patch_size=8,
                                lora_cfg=dict(lora_dropout=0))
    export = export_merged_backbone(vit, tmp_path / 'univ_backbone.pth')
    out = tmp_path / 'univ.safetensors'
    subprocess.run([sys.executable, 'tools/deploy/convert_backbone.py',
                    str(export), str(out), '--format', 'timm'], check=True)
    card = json.loads((tmp_path / 'univ.safetensors.card.json').read_text())
    assert card['format'] == 'timm' and out.name in card['sha256']
    assert 'timm.create_model(' in card['load']
    assert torch.load(export)['meta']['arch'] == card['arch']
