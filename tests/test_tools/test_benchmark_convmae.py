"""tools/analysis/benchmark_pretrain.py measures a ConvMAE config too."""
import json
import subprocess
import sys

import pytest

#: Runs training or a tool end to end: see ``make test-fast``.
pytestmark = pytest.mark.slow


def test_reports_step_floor_and_loss_share_for_convmae(tmp_path):
    out = tmp_path / 'result.json'
    command = [
        sys.executable, 'tools/analysis/benchmark_pretrain.py',
        'configs/pretrain/univ_convmae-tiny_synthetic-demo.py',
        '--batch-size', '2', '--warmup', '1', '--repeats', '1',
        '--loss-batches', '2', '--pipeline-batches', '0', '--out', str(out),
        '--cfg-options', 'model.backbone.img_size=64',
        'model.teacher.img_size=64']
    result = subprocess.run(command, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-3000:]
    assert 'step / floor' in result.stdout
    assert 'loss share of step' in result.stdout
    measured = json.loads(out.read_text())
    assert measured['image_size'] == 64
    for key in ('step', 'teacher', 'student', 'loss', 'step_flops'):
        assert measured[key] > 0, key
    assert measured['loss'] < measured['step']
