"""tools/test.py and tools/inference_seg.py (compare_seg: tests/test_tools)."""
import ast
import runpy
import sys
from pathlib import Path

import numpy as np
import pytest
from mmengine.config import Config
from mmengine.runner import Runner
from PIL import Image

from univ_mm.apis import segment_image
from univ_mm.benchmarks.downstream.results import read_metric
from univ_mm.checkpoint.safe_io import load_checkpoint_safely, save_atomically
from univ_mm.seg.datasets import MSRSDataset
from univ_mm.utils.weights_check import PartialCheckpointError

CONFIG = Path('configs/seg/upernet_univ-vit-b_4xb2-48k_msrs-ir-512x512.py')


@pytest.fixture(scope='module')
def trained(tmp_path_factory, shrink_config, config_data_root, tiny_export):
    """Train the shrunk MSRS-IR config for two iterations; return the
    written config file, the checkpoint and the data root."""
    root = tmp_path_factory.mktemp('trained')
    data_root = config_data_root(CONFIG.name)
    cfg = shrink_config(Config.fromfile(CONFIG), data_root, root / 'work',
                        tiny_export)
    Runner.from_cfg(cfg).train()
    cfg.dump(root / 'config.py')
    return root / 'config.py', root / 'work' / 'iter_2.pth', data_root


def test_test_tool_prints_per_class_iou_and_writes_metrics(
        trained, tmp_path, monkeypatch, capsys):
    config, checkpoint, _ = trained
    monkeypatch.setattr(sys, 'argv', [
        'tools/test.py', str(config), str(checkpoint), '--work-dir',
        str(tmp_path)])
    runpy.run_path('tools/test.py', run_name='__main__')
    out = capsys.readouterr().out
    assert 'per class results' in out
    table = out[out.index('per class results'):]
    assert all(name in table for name in MSRSDataset.METAINFO['classes'])
    printed = ast.literal_eval(out.strip().splitlines()[-1])  # test.py
    miou, source = read_metric(tmp_path, 'mIoU')
    assert source.name == f'{source.parent.name}.json'
    assert miou == pytest.approx(printed['mIoU'], abs=1e-3)


def test_inference_writes_colour_mask_and_overlay(trained, tmp_path):
    config, checkpoint, data_root = trained
    image = data_root / 'img_dir' / 'test' / '00000D.png'
    result = segment_image(image, str(config), str(checkpoint),
                           out_dir=tmp_path, device='cpu')
    mask_path, overlay_path = result.paths
    assert (mask_path.name, overlay_path.name) == ('00000D_mask.png',
                                                   '00000D_overlay.png')
    with Image.open(mask_path) as mask:
        assert mask.mode == 'P' and mask.size == (80, 64)
        palette = np.array(mask.getpalette()[:27]).reshape(9, 3)
        indices = np.array(mask)
    assert indices.max() < 9
    np.testing.assert_array_equal(palette, MSRSDataset.METAINFO['palette'])
    with Image.open(overlay_path) as overlay:
        assert overlay.mode == 'RGB' and overlay.size == (80, 64)
    assert result.read_as == 'ir'  # equal channel statistics


def test_tools_refuse_a_checkpoint_that_does_not_fill_the_model(
        trained, tmp_path, monkeypatch):
    config, checkpoint, data_root = trained
    state = load_checkpoint_safely(checkpoint)
    state['state_dict'] = {k: v for k, v in state['state_dict'].items()
                           if not k.startswith('decode_head.')}
    partial = save_atomically(state, tmp_path / 'partial.pth')
    monkeypatch.setattr(sys, 'argv', [
        'tools/test.py', str(config), str(partial), '--work-dir',
        str(tmp_path)])
    with pytest.raises(PartialCheckpointError, match='missing: decode_head'):
        runpy.run_path('tools/test.py', run_name='__main__')
    args = (data_root / 'img_dir' / 'test' / '00000D.png', str(config),
            str(partial))
    with pytest.raises(PartialCheckpointError, match='missing: decode_head'):
        segment_image(*args, out_dir=tmp_path, device='cpu')
    assert not list(tmp_path.glob('*.png'))
    segment_image(*args, out_dir=tmp_path, device='cpu',
                  allow_partial_load=True)  # on purpose: runs

