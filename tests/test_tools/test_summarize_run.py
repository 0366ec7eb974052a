"""tools/analysis/summarize_run.py joins resumed segments, reads seg runs."""
import json
import subprocess
import sys

import pytest

#: Runs training or a tool end to end: see ``make test-fast``.
pytestmark = pytest.mark.slow


def write_segment(work_dir, stamp, records):
    path = work_dir / stamp / 'vis_data' / 'scalars.json'
    path.parent.mkdir(parents=True)
    path.write_text(''.join(json.dumps(r) + '\n' for r in records))


def summarize(work_dir) -> str:
    return subprocess.run(
        [sys.executable, 'tools/analysis/summarize_run.py', str(work_dir)],
        capture_output=True, text=True, check=True).stdout


def test_a_resumed_run_is_summarised_from_its_first_iteration(tmp_path):
    pccl = dict(loss_ir=1.0, loss_rgb=1.0)
    write_segment(tmp_path, '20260101_000000', [
        dict(iter=1, loss=3.0, **pccl), dict(iter=2, loss=2.5, **pccl)])
    write_segment(tmp_path, '20260101_010000', [
        dict(iter=2, loss=2.4, **pccl), dict(iter=4, loss=2.0, **pccl)])
    out = summarize(tmp_path)
    assert 'loss: 3.0000 (iter 1) -> 2.0000 (iter 4)' in out


def test_a_segmentation_run_prints_its_loss_terms(tmp_path):
    write_segment(tmp_path, '20260101_000000', [
        {'iter': 1, 'loss': 2.0, 'decode.loss_ce': 1.5},
        {'step': 1, 'mIoU': 10.0},
        {'iter': 2, 'loss': 1.0, 'decode.loss_ce': 0.75}])
    out = summarize(tmp_path)
    assert 'decode.loss_ce: 1.5000 (iter 1) -> 0.7500 (iter 2)' in out
