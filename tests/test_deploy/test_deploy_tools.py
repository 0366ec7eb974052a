"""The deploy tools: thin CLIs whose ``--help`` loads no torch."""
import json
import subprocess
import sys

import pytest
import torch
from helpers import TINY_ARCH

from univ_mm.models import UNIVVisionTransformer
from univ_mm.utils.export import export_merged_backbone

#: Runs the tool's ``--help`` in a fresh interpreter and says whether torch
#: was imported.
HELP_IMPORTS_TORCH = '''
import runpy, sys
tool = sys.argv[1]
sys.argv = [tool, '--help']
try:
    runpy.run_path(tool, run_name='__main__')
except SystemExit:
    pass
print('torch imported:', 'torch' in sys.modules)
'''
TOOLS = ['tools/deploy/export_onnx.py', 'tools/deploy/benchmark_onnx.py',
         'tools/deploy/convert_backbone.py']


@pytest.mark.parametrize('tool', TOOLS)
def test_onnx_timm_hf_tool_help_imports_no_torch(tool):
    result = subprocess.run([sys.executable, '-c', HELP_IMPORTS_TORCH, tool],
                            capture_output=True, text=True, check=True)
    assert 'usage:' in result.stdout
    assert result.stdout.endswith('torch imported: False\n')


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
