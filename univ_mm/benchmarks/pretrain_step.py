"""A UNIV pre-training step against its compute floor: the work of
``tools/analysis/benchmark_pretrain.py`` (options:
:mod:`univ_mm.benchmarks.arguments`).

Everything runs in one process after warm-up; times are medians.
"""
import argparse
import json
import tempfile
import time

import torch
from mmengine.logging import MMLogger
from mmengine.optim import build_optim_wrapper
from mmengine.registry import init_default_scope
from mmengine.runner import Runner

from univ_mm.benchmarks import cost_model, input_pipeline
from univ_mm.benchmarks.profiling import (
    count_flops,
    max_resident_bytes,
    median_seconds,
    peak_memory_bytes,
)
from univ_mm.registry import DATASETS, MODELS, TRANSFORMS
from univ_mm.synthetic.world import generate_synthetic_mvip
from univ_mm.utils.cli import (
    load_config,
    quiet_frozen_weight_warnings,
    without_amp,
)

MIB = 2**20


def build(cfg, device: torch.device):
    """The model (no checkpoint is loaded) and its optimizer wrapper."""
    model = MODELS.build(cfg.model).to(device)
    model.train()
    return model, build_optimizer(cfg, model, device)


def build_optimizer(cfg, model, device: torch.device):
    """The config's optimizer wrapper; on CPU without MMEngine's AMP."""
    optim_cfg = cfg.optim_wrapper
    if device.type == 'cpu':
        optim_cfg = without_amp(optim_cfg)
    return build_optim_wrapper(model, optim_cfg)


def fake_batch(model, batch: int, size: int) -> dict:
    """A preprocessed batch of random pairs, already on the device."""
    images = torch.randint(0, 256, (2 * batch, 3, size, size),
                           dtype=torch.uint8)
    packed = dict(inputs=dict(rgb=images[:batch], ir=images[batch:]))
    return model.data_preprocessor(packed, True)


def step_parts(model, optim_wrapper, data: dict) -> dict:
    """The callables timed: the full step and the pieces of its floor."""
    inputs = data['inputs']
    both = torch.cat([inputs['rgb'], inputs['ir']])

    def full_step():
        with optim_wrapper.optim_context(model):
            losses = model(**data, mode='loss')
        optim_wrapper.update_params(model.parse_losses(losses)[0])

    def teacher():
        with optim_wrapper.optim_context(model):  # the step's autocast
            model.teacher_forward(inputs['rgb'])

    def student():
        with optim_wrapper.optim_context(model):
            tokens, _ = model.backbone.forward_tokens(both)
        tokens.float().sum().backward()
        model.backbone.zero_grad(set_to_none=True)

    return dict(step=full_step, teacher=teacher, student=student)


def loss_part(model, batch: int, device: torch.device, size: int):
    """PCCL loss + pseudo pairs (forward and backward) on stored tokens
    shaped as the teacher's (ViT or ConvMAE) at ``size`` px."""
    one, attn = model.teacher_forward(
        torch.zeros(1, 3, size, size, device=device))
    _, heads, tokens, _ = attn.shape
    shape = (batch, tokens, one.shape[-1])
    teacher = torch.randn(shape, device=device)
    attn = torch.randn(batch, heads, tokens, tokens, device=device)
    attn = attn.softmax(-1)
    student = {k: torch.randn(shape, device=device, requires_grad=True)
               for k in ('rgb', 'ir')}

    def loss():
        losses = model.head.loss(student['rgb'], student['ir'], teacher,
                                 attn)
        (losses['loss_ir'] + losses['loss_rgb']).backward()

    return loss


def pipeline_rate(cfg, batches: int) -> float:
    """Pairs per second the config's dataloader delivers (its workers)."""
    loader = Runner.build_dataloader(cfg.train_dataloader, seed=0)
    if len(loader) <= batches:
        raise ValueError(
            f'the dataset gives {len(loader)} batches per epoch; the timing '
            f'needs {batches + 1}: lower --pipeline-batches or add pairs')
    iterator = iter(loader)
    next(iterator)  # workers started, first batch decoded
    begin = time.perf_counter()
    for _ in range(batches):
        next(iterator)
    return batches * loader.batch_size / (time.perf_counter() - begin)


def transform_times(cfg, samples: int = 20) -> dict[str, float]:
    """Mean seconds per pair of each transform of the config's pipeline,
    in the main process."""
    dataset_cfg = dict(cfg.train_dataloader.dataset, pipeline=[])
    dataset = DATASETS.build(dataset_cfg)
    transforms = [TRANSFORMS.build(t) for t in
                  cfg.train_dataloader.dataset.pipeline]
    totals = [0.0] * len(transforms)
    for index in range(samples):
        results = dataset.get_data_info(index % len(dataset))
        for position, transform in enumerate(transforms):
            begin = time.perf_counter()
            results = transform(results)
            totals[position] += time.perf_counter() - begin
    return {type(t).__name__: total / samples
            for t, total in zip(transforms, totals, strict=True)}


def flops_per_pair(cfg) -> int:
    """FLOPs of one training step on one pair (counted on the CPU)."""
    model, optim_wrapper = build(cfg, torch.device('cpu'))
    data = fake_batch(model, 1, model.backbone.patch_embed.init_input_size[0])
    return count_flops(step_parts(model, optim_wrapper, data)['step'])


def measure(cfg, args: argparse.Namespace) -> dict:
    """Every number of the report, in seconds, bytes and pairs/second."""
    device = torch.device(args.device)
    batch = args.batch_size or cfg.train_dataloader.batch_size
    model, optim_wrapper = build(cfg, device)
    size = cfg.model.backbone.img_size
    data = fake_batch(model, batch, size)
    parts = step_parts(model, optim_wrapper, data)
    result = median_seconds(
        dict(parts, loss=loss_part(model, batch, device, size)), device,
        warmup=args.warmup, repeats=args.repeats)
    result.update(batch=batch, image_size=size, device=str(device),
                  step_peak_bytes=peak_memory_bytes(parts['step'], device),
                  step_flops=count_flops(parts['step']))
    result['loss_peak_bytes'] = {
        b: peak_memory_bytes(loss_part(model, b, device, size), device)
        for b in args.loss_batches}
    result['max_resident_bytes'] = max_resident_bytes()
    if args.pipeline_batches:
        result['pipeline_pairs_per_s'] = pipeline_rate(
            cfg, args.pipeline_batches)
        result['transform_seconds'] = transform_times(cfg)
    return result


def project(cfg, args: argparse.Namespace) -> tuple[str, dict]:
    """The cost model of one training step: report text and totals."""
    batch = args.batch_size or cfg.train_dataloader.batch_size
    size = cfg.model.backbone.img_size
    dtype = getattr(torch, cfg.optim_wrapper.get('dtype') or 'float16') \
        if cfg.optim_wrapper.type.endswith('AmpOptimWrapper') else None
    model = MODELS.build(cfg.model).train()
    mode = cost_model.FakeTensorMode()
    cost_model.fake_module_(model, mode)
    with mode, cost_model.gpu_dispatch_defaults():
        optim_wrapper = build_optimizer(cfg, model, torch.device('cpu'))
        cost_model.gpu_optimizer_defaults_(optim_wrapper.optimizer)
        rgb, ir = (torch.randn(batch, 3, size, size) for _ in range(2))
        recorder = cost_model.record(cost_model.univ_step(
            model, optim_wrapper, rgb, ir, dtype))
        cost_model.drop_host_ops(recorder, cost_model.host_step_counters(
            optim_wrapper.optimizer))
    note = (f'{cfg.model.backbone.type} {cfg.model.backbone.get("arch")}, '
            f'{batch} pairs, {size} px, autocast {dtype} (CPU autocast on '
            f'fake CPU tensors: fake CUDA cannot autocast without a GPU), '
            f'{len(optim_wrapper.optimizer.param_groups)} optimizer groups')
    totals = cost_model.summarise(recorder.ops)
    return cost_model.format_report(recorder, batch, note), totals


def report(result: dict) -> str:
    """The table and the ratios the targets are stated in."""
    floor = result['teacher'] + result['student']
    step_rate = result['batch'] / result['step']
    lines = [
        f"device {result['device']}, batch {result['batch']} pairs, "
        f"{result['image_size']} px",
        f"{'full step':<34}{result['step'] * 1e3:>10.1f} ms",
        f"{'  floor: teacher fwd (no grad)':<34}"
        f"{result['teacher'] * 1e3:>10.1f} ms",
        f"{'  floor: student fwd+bwd (2x)':<34}"
        f"{result['student'] * 1e3:>10.1f} ms",
        f"{'PCCL loss + pairs (fwd+bwd)':<34}{result['loss'] * 1e3:>10.1f} ms",
        f"{'step peak memory (allocated)':<34}"
        f"{result['step_peak_bytes'] / MIB:>10.1f} MiB",
        f"{'process peak resident set':<34}"
        f"{result['max_resident_bytes'] / MIB:>10.1f} MiB",
        f"{'step compute':<34}"
        f"{result['step_flops'] / result['step'] / 1e12:>10.3f} TFLOP/s",
    ]
    lines += [f"{f'loss peak memory, batch {b}':<34}{v / MIB:>10.1f} MiB"
              for b, v in result['loss_peak_bytes'].items()]
    lines += [f'step / floor          {result["step"] / floor:.3f}',
              f'loss share of step    {result["loss"] / result["step"]:.1%}',
              f'step rate             {step_rate:.1f} pairs/s']
    if 'pipeline_pairs_per_s' in result:
        rate = result['pipeline_pairs_per_s']
        lines += [f'input pipeline        {rate:.1f} pairs/s',
                  f'pipeline / step rate  {rate / step_rate:.2f}']
        lines += [f'  {name:<32}{seconds * 1e3:>10.2f} ms/pair' for
                  name, seconds in result['transform_seconds'].items()]
    return '\n'.join(lines)


def run(args: argparse.Namespace) -> None:
    """The tool's work on its parsed options: the pipeline mode, the cost
    model or the step timing; prints the report, writes ``args.out``."""
    args.device = args.device or ('cuda' if torch.cuda.is_available() else
                                  'cpu')
    cfg = load_config(args)
    init_default_scope('univ_mm')
    quiet_frozen_weight_warnings(cfg, MMLogger.get_current_instance())
    if args.pipeline:
        input_pipeline.main(cfg, args, flops_per_pair(cfg))
        return
    if args.cost_model:
        text, totals = project(cfg, args)
        print(text)
        if args.out:
            args.out.write_text(json.dumps(totals, indent=2))
        return
    with tempfile.TemporaryDirectory() as tmp:
        if args.synthetic:
            sources = ['SYNTH_DAY', 'SYNTH_NIGHT']
            # the config's hold_out (per source) is not trained on
            held_out = cfg.train_dataloader.dataset.get('hold_out', 0)
            pairs = max(256, (args.pipeline_batches + 1) *
                        cfg.train_dataloader.batch_size) + \
                held_out * len(sources)
            generate_synthetic_mvip(tmp, num_pairs=pairs,
                                    image_size=tuple(args.synthetic_size))
            cfg.train_dataloader.dataset.update(data_root=tmp,
                                                sources=sources)
        result = measure(cfg, args)
    print(report(result))
    if args.out:
        args.out.write_text(json.dumps(result, indent=2))

