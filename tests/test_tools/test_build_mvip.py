"""tools/dataset_converters/build_mvip.py: options reach the builder."""
import json
import runpy
from pathlib import Path

import cv2
import numpy as np
import pytest

TOOL = (Path(__file__).parents[2] / 'tools' / 'dataset_converters' /
        'build_mvip.py')


def test_command_line_builds_with_stride(tmp_path):
    kaist = tmp_path / 'kaist-cvpr15'
    for i in range(6):
        for modality in ('visible', 'lwir'):
            path = kaist / 'images/set00/V000' / modality / f'I{i:05d}.jpg'
            path.parent.mkdir(parents=True, exist_ok=True)
            cv2.imwrite(str(path), np.full((8, 10, 3), 20 * i, np.uint8))
    out = tmp_path / 'MVIP'
    report = runpy.run_path(str(TOOL))['main']([
        str(out), '--kaist', str(kaist), '--frame-stride', '3',
        '--workers', '1', '--val-per-source', '1'])
    assert report['KAIST_MMSEG']['pairs'] == 2  # frames 0 and 3
    manifest = json.loads((out / 'manifest.json').read_text())
    assert manifest['sources']['KAIST_MMSEG']['options'] == {
        'all_splits': False, 'frame_stride': 3, 'skip_bad_pairs': False}
    assert sorted(manifest['sources']['KAIST_MMSEG']['files']) == [
        'set00_V000_I00000.jpg', 'set00_V000_I00003.jpg']
    assert manifest['splits'] == {'val_per_source': 1, 'train': 1, 'val': 1}


def test_command_line_needs_a_source(tmp_path, capsys):
    with pytest.raises(SystemExit):
        runpy.run_path(str(TOOL))['main']([str(tmp_path)])
    assert 'name at least one source' in capsys.readouterr().err
