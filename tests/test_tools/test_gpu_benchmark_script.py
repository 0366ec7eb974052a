"""tools/analysis/gpu_benchmark.sh: the commands it runs (DRY_RUN=1) and
its refusal of an interpreter without the stack."""
import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / 'tools/analysis/gpu_benchmark.sh'
#: Subprocesses that import the stack: see ``make test-fast``.
pytestmark = pytest.mark.slow


def run(tmp_path, **env):
    return subprocess.run(['bash', str(SCRIPT), str(tmp_path / 'out')],
                          capture_output=True, text=True,
                          env={**os.environ, **env}, timeout=120)


def test_dry_run_times_the_configs_precision_bf16_and_a_warm_loader(
        tmp_path):
    result = run(tmp_path, DRY_RUN='1', WORKERS='16')
    assert result.returncode == 0, result.stderr
    commands = [c for c in result.stdout.split('+ ')[1:]
                if 'benchmark_pretrain.py' in c]
    assert len(commands) == 3
    assert all(c.startswith('.venv/bin/python') for c in commands)
    step, bf16, pipeline = commands
    assert 'dtype' not in step  # the config's fp16 with its loss scaler
    assert 'optim_wrapper.dtype=bfloat16' in bf16
    assert 'register_cpu_attention_flops()' in step
    assert '--workers 16 --worker-batches 160' in pipeline


def test_an_interpreter_without_the_stack_is_refused(tmp_path):
    result = run(tmp_path, PYTHON='/usr/bin/false')
    assert result.returncode == 2
    assert 'make setup' in result.stderr
