"""The training-step sections of :mod:`.gpu_check`: the clip's view of
AMP gradients (``amp_clip``), throughput per precision variant
(``throughput``) and the profiler's kernel-time split (``profile``)."""
import functools
import statistics
import time

from .gpu_check_setup import CONFIGS, MIB, Check

#: Kernel-name fragments of each class of the profile split (lower case);
#: a kernel matching none is "elementwise/other".
KERNEL_CLASSES = {
    'attention': ('flash', 'fmha', 'attention', 'sdpa', 'scaled_dot'),
    'gemm': ('gemm', 'nvjet', 'xmma', 'cutlass', 'cublas', 'aten::mm',
             'aten::addmm', 'aten::bmm', 'aten::baddbmm', 'convolution',
             'conv2d', 'cudnn'),
}


def train_step(model, optim_wrapper, data: dict) -> None:
    """One optimizer step of the runner's ``train_step``."""
    with optim_wrapper.optim_context(model):
        losses = model(**data, mode='loss')
    optim_wrapper.update_params(model.parse_losses(losses)[0])


def fp32_gradient_norms(model, data: dict) -> tuple[float, float]:
    """Global and largest per-parameter gradient norm of the trainable
    weights, fp32, no autocast; the gradients are cleared again."""
    import torch
    model.zero_grad(set_to_none=True)
    losses = model(**data, mode='loss')
    model.parse_losses(losses)[0].backward()
    norms = torch.stack([p.grad.detach().float().norm()
                         for p in model.parameters() if p.grad is not None])
    model.zero_grad(set_to_none=True)
    return float(norms.norm()), float(norms.max())


def amp_clip(check: Check) -> dict:
    """The clip's view of the gradients under AMP, per config."""
    from mmengine.logging import MessageHub
    hub = MessageHub.get_current_instance()
    out = {}
    for name in CONFIGS:
        # no LoRA dropout: the fp32 and the AMP pass see the same network
        model, wrapper = check.build(check.model_cfg(name, lora_dropout=0.0))
        data = check.batch_data(model)
        scaler = getattr(wrapper, 'loss_scaler', None)
        per_parameter = wrapper.grad_name == 'grad_norm_max'
        ratios, skipped = [], 0
        for _ in range(check.amp_steps):
            total, largest = fp32_gradient_norms(model, data)
            scale = scaler.get_scale() if scaler else 1.0
            train_step(model, wrapper, data)
            if scaler and scaler.get_scale() < scale:
                skipped += 1
                continue
            seen = hub.get_scalar(f'train/{wrapper.grad_name}').current()
            ratios.append(seen / (largest if per_parameter else total))
        out[name] = dict(
            wrapper=type(wrapper).__name__, clip=wrapper.grad_name,
            steps=check.amp_steps, skipped=skipped,
            final_scale=scaler.get_scale() if scaler else None,
            ratio_median=statistics.median(ratios) if ratios else None,
            ratio_min=min(ratios, default=None),
            ratio_max=max(ratios, default=None))
        if scaler is None:
            out[name]['note'] = ('no CUDA: the plain fp32 OptimWrapper '
                                 '(ratio 1 by construction), AMP skipped')
        del model, wrapper
        check.free()
    return out


def time_variant(check: Check, cfg, flops: int | None = None) -> dict:
    """Steps/s, pairs/s, peak memory and TFLOP/s of one configuration;
    ``flops`` per step (None: counted here, after the timing, with the
    CPU's fused attention counted too)."""
    from univ_mm.benchmarks.profiling import count_flops
    model, wrapper = check.build(cfg)
    data = check.batch_data(model)
    for _ in range(3):
        train_step(model, wrapper, data)
    check.sync()
    if check.cuda:
        check.torch.cuda.reset_peak_memory_stats()
    begin = time.perf_counter()
    for _ in range(check.timed_steps):
        train_step(model, wrapper, data)
    check.sync()
    seconds = (time.perf_counter() - begin) / check.timed_steps
    if flops is None:
        flops = count_flops(functools.partial(train_step, model, wrapper,
                                              data))
    result = dict(
        wrapper=type(wrapper).__name__,
        dtype=str(getattr(wrapper, 'cast_dtype', None) or 'float32'),
        step_ms=seconds * 1e3, steps_per_s=1 / seconds,
        pairs_per_s=check.batch / seconds, flops_per_step=flops,
        tflops=flops / seconds / 1e12,
        peak_mib=(check.torch.cuda.max_memory_allocated() / MIB
                  if check.cuda else None))
    del model, wrapper
    check.free()
    return result


def throughput(check: Check) -> dict:
    """Every model in every precision variant (a failure is recorded and
    the others still run). FLOPs are counted once per model, as
    configured: a counter around compiled code would recompile it."""
    out = {}
    for name in CONFIGS:
        flops = None
        variants = {'configured': check.model_cfg(name),
                    'bf16': check.model_cfg(name, dtype='bfloat16'),
                    'compiled': check.model_cfg(name, compiled=True)}
        for variant, cfg in variants.items():
            key = f'{name} {variant}'
            if not check.cuda and variant == 'bf16':
                out[key] = dict(status='skipped', reason='AmpOptimWrapper '
                                '(bf16) needs CUDA')
                continue
            try:
                out[key] = dict(status='ok', **time_variant(check, cfg, flops))
                flops = out[key]['flops_per_step']
            except Exception as err:  # keep the other variants
                out[key] = dict(status='failed', error=repr(err)[:500])
                check.free()
    return out


def kernel_class(name: str) -> str:
    """``gemm``, ``attention`` or ``elementwise/other`` for a kernel or
    operator name."""
    lower = name.lower()
    for kind, fragments in KERNEL_CLASSES.items():
        if any(fragment in lower for fragment in fragments):
            return kind
    return 'elementwise/other'


def profile(check: Check) -> dict:
    """ViT-B's step as configured under torch.profiler: self time per
    class of CUDA kernels (CPU operators without CUDA)."""
    from torch.profiler import ProfilerActivity
    from torch.profiler import profile as torch_profile
    model, wrapper = check.build(check.model_cfg('vit-b'))
    data = check.batch_data(model)
    for _ in range(3):
        train_step(model, wrapper, data)
    check.sync()
    activities = [ProfilerActivity.CPU] + (
        [ProfilerActivity.CUDA] if check.cuda else [])
    with torch_profile(activities=activities) as prof:
        for _ in range(3):
            train_step(model, wrapper, data)
        check.sync()
    times: dict[str, float] = {}
    attention: dict[str, float] = {}
    for event in prof.key_averages():
        if check.cuda:
            seconds = event.self_device_time_total / 1e6
            if event.device_type.name != 'CUDA' or seconds <= 0:
                continue
        else:
            seconds = event.self_cpu_time_total / 1e6
            if not event.key.startswith('aten::') or seconds <= 0:
                continue
        kind = kernel_class(event.key)
        times[kind] = times.get(kind, 0.0) + seconds
        if kind == 'attention':
            attention[event.key] = attention.get(event.key, 0.0) + seconds
    total = sum(times.values())
    del model, wrapper
    check.free()
    return dict(
        source='CUDA kernels' if check.cuda else
        'CPU aten operators (no CUDA)',
        share={kind: t / total for kind, t in sorted(times.items())},
        ms_per_step={kind: t / 3 * 1e3 for kind, t in times.items()},
        attention_kernels=sorted(attention, key=attention.get,
                                 reverse=True)[:6])
