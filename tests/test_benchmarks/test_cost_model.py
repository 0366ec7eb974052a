"""The cost model against hand counts on a tiny step."""
import pytest
import torch

from univ_mm.benchmarks import cost_model
from univ_mm.benchmarks.cost_model import GPUS, FakeTensorMode


def linear_then_double():
    """A bias-free linear (4 -> 3) on a [2, 4] float32 input, then x 2."""
    layer = torch.nn.Linear(4, 3, bias=False)
    mode = FakeTensorMode()
    cost_model.fake_module_(layer, mode)
    with mode:
        x = torch.randn(2, 4)
        recorder = cost_model.record(lambda rec: layer(x) * 2, warmup=0)
    return [op for op in recorder.ops if op.category != 'free'], recorder


def test_flops_bytes_and_kernels_match_a_hand_count():
    ops, recorder = linear_then_double()
    assert [(op.name, op.category) for op in ops] == [
        ('mm', 'gemm'), ('mul', 'elementwise')]
    gemm, double = ops
    # [2, 4] @ [4, 3]: 2 * 2 * 4 * 3 multiply-adds counted as 2 FLOPs each;
    # reads x (8 floats) and W (12), writes y (6): 26 floats, 104 bytes
    assert (gemm.flops, gemm.bytes, gemm.kernels) == (48, 104, 1)
    # one FLOP per output element; reads y, writes 2y: 12 floats
    assert (double.flops, double.bytes, double.kernels) == (6, 48, 1)
    assert recorder.syncs == []


def test_roofline_is_the_largest_of_compute_bandwidth_and_launch():
    ops, _ = linear_then_double()
    h100 = GPUS[0]
    # tiny ops sit on the launch floor
    assert cost_model.op_seconds(ops[0], h100) == cost_model.LAUNCH_SECONDS
    big = cost_model.Op('mul', 'step', 'elementwise', flops=10**9,
                        bytes=10**10, kernels=1, half=False)
    assert cost_model.op_seconds(big, h100) == pytest.approx(
        1e10 / (h100.hbm_tbps * 1e12))
    gemm = cost_model.Op('mm', 'step', 'gemm', flops=10**13, bytes=10**6,
                         kernels=1, half=True)
    assert cost_model.op_seconds(gemm, h100) == pytest.approx(
        1e13 / (h100.half_tflops * 1e12))
    table = cost_model.summarise(ops)
    assert table['total']['flops'] == 54 and table['total']['bytes'] == 152
    assert table['total']['seconds'][h100.name] == pytest.approx(6e-6)


def test_views_are_free_and_foreach_ops_count_launch_chunks():
    mode = FakeTensorMode()
    with mode:
        tensors = [torch.zeros(8) for _ in range(100)]
        others = [torch.zeros(8) for _ in range(100)]
        uneven = [torch.zeros(()) for _ in range(100)]

        def step(_):
            tensors[0].view(2, 4).t()
            torch._foreach_add_(tensors, others)  # 2 lists: 64 per launch
            torch._foreach_mul_(tensors, uneven)  # shapes differ: slow path
        recorder = cost_model.record(step, warmup=0)
    paid = [op for op in recorder.ops if op.category != 'free']
    assert [op.kernels for op in paid] == [2, 100]
    assert paid[0].bytes == 3 * 100 * 8 * 4


def test_item_is_counted_as_a_sync_and_answered():
    with FakeTensorMode():
        x = torch.ones(3)
        recorder = cost_model.record(lambda rec: x.sum().item(), warmup=0)
    assert len(recorder.syncs) == 1


def record_tiny_univ(constructor: str, wrapper_type: str = 'OptimWrapper',
                     fused: bool | None = None):
    """A recorded fp16 AMP step of a tiny UNIV (LoRA dropout 0.1)."""
    from helpers import tiny_univ, tiny_vit
    from mmengine.optim import build_optim_wrapper
    from mmengine.registry import DefaultScope

    from univ_mm.registry import MODELS
    with DefaultScope.overwrite_default_scope('univ_mm'):
        model = MODELS.build(tiny_univ(backbone=tiny_vit(
            lora_cfg=dict(lora_dropout=0.1)))).train()
        mode = FakeTensorMode()
        cost_model.fake_module_(model, mode)
        with mode, cost_model.gpu_dispatch_defaults():
            wrapper = build_optim_wrapper(model, dict(
                type=wrapper_type, constructor=constructor,
                optimizer=dict(type='AdamW', lr=1e-3, weight_decay=0.05,
                               fused=fused),
                paramwise_cfg=dict(norm_decay_mult=0.0),
                clip_grad=dict(max_norm=3.0)))
            cost_model.gpu_optimizer_defaults_(wrapper.optimizer)
            rgb, ir = torch.randn(2, 3, 32, 32), torch.randn(2, 3, 32, 32)
            recorder = cost_model.record(cost_model.univ_step(
                model, wrapper, rgb, ir, torch.float16))
            cost_model.drop_host_ops(recorder, cost_model.host_step_counters(
                wrapper.optimizer))
    return recorder, wrapper


def test_a_tiny_univ_step_is_recorded_in_phases():
    recorder, wrapper = record_tiny_univ(
        'MergedGroupsOptimWrapperConstructor')
    phases = cost_model.summarise(recorder.ops, 'phase')
    assert set(phases) == {'teacher', 'student', 'loss', 'backward',
                           'optimizer', 'total'}
    assert len(wrapper.optimizer.param_groups) == 1
    assert any(op.half and op.category == 'gemm' for op in recorder.ops)
    assert any(op.name == 'native_dropout' for op in recorder.ops)
    # found_inf of the grad scaler and MMEngine's logged gradient norm
    assert [phase for phase, _ in recorder.syncs] == ['optimizer'] * 2
    text = cost_model.format_report(recorder, 2, 'tiny')
    assert text.startswith('PROJECTION') and 'H200' in text


def test_merged_groups_launch_fewer_optimizer_kernels():
    merged, _ = record_tiny_univ('MergedGroupsOptimWrapperConstructor')
    default, wrapper = record_tiny_univ('DefaultOptimWrapperConstructor')
    assert len(wrapper.optimizer.param_groups) == 16  # one per LoRA weight
    launches = [cost_model.summarise(r.ops)['optimizer']['kernels']
                for r in (merged, default)]
    # AdamW's 8 _foreach ops once instead of once per group; the scaler
    # and the global-norm clip add about a dozen small kernels
    assert launches[0] <= 24 < 8 * 16 <= launches[1]


def test_clipping_folded_into_fused_adamw_launches_at_most_ten_kernels():
    recorder, wrapper = record_tiny_univ(
        'MergedGroupsOptimWrapperConstructor', 'FusedClipOptimWrapper',
        fused=True)
    names = [op.name for op in recorder.ops
             if op.phase == 'optimizer' and op.category != 'free']
    # norm (3), fused AdamW (its step counters' add and the update), scale
    assert '_amp_foreach_non_finite_check_and_unscale_' not in names
    assert '_fused_adamw_' in names
    assert cost_model.summarise(recorder.ops)['optimizer']['kernels'] <= 10
    assert [phase for phase, _ in recorder.syncs] == ['optimizer']
