"""tools/analysis/gpu_check.py: its dry run exercises every section on
the CPU (its --help: tests/test_tools/test_tool_help.py)."""
import json
import subprocess
import sys

import pytest

TOOL = 'tools/analysis/gpu_check.py'


@pytest.mark.slow
def test_dry_run_runs_every_section_on_the_cpu(tmp_path):
    result = subprocess.run(
        [sys.executable, TOOL, '--dry-run', '--out', str(tmp_path)],
        capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, (result.stdout[-3000:] +
                                    result.stderr[-3000:])
    figures = json.loads((tmp_path / 'gpu_check.json').read_text())
    sections = figures['sections']
    assert figures['dry_run'] and figures['device'] == 'cpu'
    statuses = {name: s['status'] for name, s in sections.items()}
    assert statuses == dict.fromkeys(
        ('amp_clip', 'throughput', 'profile', 'device_decode', 'train_val'),
        'ok')
    for clip in ('vit-b', 'convmae-b'):
        # the plain fp32 wrapper on the CPU: the clip sees the fp32 norm
        assert sections['amp_clip'][clip]['ratio_median'] == pytest.approx(
            1.0, rel=1e-4)
        assert sections['amp_clip'][clip]['skipped'] == 0
    throughput = sections['throughput']
    assert throughput['vit-b bf16']['status'] == 'skipped'
    assert 'needs CUDA' in throughput['vit-b bf16']['reason']
    for key in ('vit-b configured', 'vit-b compiled', 'convmae-b compiled'):
        assert throughput[key]['status'] == 'ok', throughput[key]
        assert throughput[key]['steps_per_s'] > 0
    # the CPU's fused attention is counted: ViT has one per layer
    profile = sections['profile']
    assert profile['share']['gemm'] > 0 and profile['share']['attention'] > 0
    assert any('flash_attention' in k for k in profile['attention_kernels'])
    assert sections['device_decode']['smooth_ms'] > 0
    # training batches decoded by the preprocessor, validation on the CPU
    cycle = sections['train_val']
    assert cycle['batches'][-1] == 'images'
    assert set(cycle['batches'][:-1]) == {'bytes'}
    assert cycle['val_align_ir_top1'] is not None
    assert 'gpu_check: device cpu' in (tmp_path / 'gpu_check.txt').read_text()


def test_cpu_attention_is_counted_as_torch_counts_cuda_attention():
    """4 N^2 D per head dimension block forward, as torch's CUDA rule."""
    import torch
    import torch.nn.functional as F
    from torch.utils.flop_counter import FlopCounterMode

    from univ_mm.benchmarks.gpu_check_setup import (
        register_cpu_attention_flops,
    )
    register_cpu_attention_flops()
    batch, heads, tokens, dims = 2, 3, 16, 8
    query = torch.randn(batch, heads, tokens, dims, requires_grad=True)
    with FlopCounterMode(display=False) as counter:
        out = F.scaled_dot_product_attention(query, query, query)
    assert counter.get_total_flops() == 4 * batch * heads * tokens**2 * dims
    with FlopCounterMode(display=False) as counter:
        out.sum().backward()
    # torch's backward rule: 5 matmuls (the scores recomputed)
    assert counter.get_total_flops() == 10 * batch * heads * tokens**2 * dims
