"""tools/analysis/benchmark_pretrain.py keeps MMEngine's warning per frozen
weight of a UNIV model out of its output, as tools/train.py does."""
import subprocess
import sys

import pytest


@pytest.mark.slow
def test_no_warning_per_frozen_weight():
    command = [
        sys.executable, 'tools/analysis/benchmark_pretrain.py',
        'configs/pretrain/univ_vit-t_synthetic-demo.py', '--batch-size', '1',
        '--warmup', '0', '--repeats', '1', '--loss-batches', '1',
        '--pipeline-batches', '0', '--cfg-options',
        'model.backbone.img_size=32', 'model.teacher.img_size=32']
    result = subprocess.run(command, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-3000:]
    assert 'step / floor' in result.stdout
    assert 'is skipped since its requires_grad=False' not in \
        result.stdout + result.stderr
