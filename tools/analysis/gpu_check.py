"""One prepared GPU check of the pre-training path (issue 26), offline.

About 8 minutes on one GPU, synthetic data, random weights; nothing is
downloaded. Sections (``--sections``, all by default):

- ``amp_clip``: the configs' AmpOptimWrapper (fp16, dynamic loss scale)
  over 30 steps on one batch: the norm the clip sees against the fp32
  gradient norm at the same weights (about 1 when the clip sees unscaled
  gradients, the loss scale when it does not; per-parameter clipping of the
  ConvMAE config: the largest per-parameter norm), and the steps skipped
  for inf/NaN gradients.
- ``throughput``: steps/s, pairs/s, peak memory and TFLOP/s of ViT-B and
  ConvMAE-B at 32 pairs, as configured (fp16), in bf16, and with the
  student's blocks compiled (``model.compile_student=True``).
- ``profile``: ViT-B's step under ``torch.profiler``: kernel time split
  into GEMM / attention / elementwise and other, attention kernels named.
- ``device_decode``: ms per 32 pairs (640x512 JPEGs) of
  ``PairedDataPreprocessor(decode_on_device=True)``.
- ``train_val``: a runner's train + validation cycle with the training
  pipeline decoding on the device and validation on the CPU.

``--dry-run`` runs every section on the CPU with tiny models and a few
steps; what needs CUDA is reported as skipped, with the reason. Results:
``OUT/gpu_check.json`` and a table, printed and in ``OUT/gpu_check.txt``.

Example::

    .venv/bin/python tools/analysis/gpu_check.py --out work_dirs/gpu_check
"""
import argparse
import functools
import json
import statistics
import tempfile
import time
import traceback
from pathlib import Path

SECTIONS = ('amp_clip', 'throughput', 'profile', 'device_decode',
            'train_val')
CONFIGS = {'vit-b': 'configs/pretrain/univ_vit-b_mvip.py',
           'convmae-b': 'configs/pretrain/univ_convmae-b_mvip.py'}
DEMO_CONFIG = 'configs/pretrain/univ_vit-t_synthetic-demo.py'
#: Kernel-name fragments of each class of the profile split (lower case);
#: a kernel matching none is "elementwise/other".
KERNEL_CLASSES = {
    'attention': ('flash', 'fmha', 'attention', 'sdpa', 'scaled_dot'),
    'gemm': ('gemm', 'nvjet', 'xmma', 'cutlass', 'cublas', 'aten::mm',
             'aten::addmm', 'aten::bmm', 'aten::baddbmm', 'convolution',
             'conv2d', 'cudnn'),
}
MIB = 2**20


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line (before torch is imported)."""
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog='\n'.join(__doc__.splitlines()[1:]))
    parser.add_argument('--out', type=Path, required=True,
                        help='folder for gpu_check.json and gpu_check.txt')
    parser.add_argument('--dry-run', action='store_true',
                        help='CPU, tiny models, few steps: every section '
                        'exercised, CUDA-only parts reported as skipped')
    parser.add_argument('--sections', nargs='+', choices=SECTIONS,
                        default=list(SECTIONS))
    parser.add_argument('--batch', type=int, help='pairs per step '
                        '(default 32; dry run 2)')
    parser.add_argument('--amp-steps', type=int,
                        help='steps of amp_clip (default 30; dry run 3)')
    parser.add_argument('--timed-steps', type=int,
                        help='timed steps per throughput variant, after 3 '
                        'warm-up steps (default 10; dry run 2)')
    return parser.parse_args(argv)


class Skipped(Exception):
    """A section (or part) that cannot run here; the message says why."""


def register_cpu_attention_flops() -> None:
    """Count the CPU's fused attention in ``FlopCounterMode``.

    torch registers FLOP formulas for the CUDA kernels of
    ``scaled_dot_product_attention`` (flash, efficient, cuDNN) but not for
    the CPU's ``_scaled_dot_product_flash_attention_for_cpu``, so FLOPs
    counted on a CPU missed every fused attention (4 N^2 D per layer and
    image forward). This registers torch's own SDPA formulas for the CPU
    ops, once; counts on CUDA are unchanged.
    """
    import torch
    from torch.utils import flop_counter
    aten = torch.ops.aten
    forward = aten._scaled_dot_product_flash_attention_for_cpu
    backward = aten._scaled_dot_product_flash_attention_for_cpu_backward
    if forward in flop_counter.flop_registry:
        return

    @flop_counter.register_flop_formula(forward)
    def _forward(query, key, value, *args, out_shape=None, **kwargs) -> int:
        return flop_counter.sdpa_flop_count(query, key, value)

    @flop_counter.register_flop_formula(backward)
    def _backward(grad_out, query, key, value, *args, out_shape=None,
                  **kwargs) -> int:
        return flop_counter.sdpa_backward_flop_count(grad_out, query, key,
                                                     value)


class Check:
    """The sections' shared set-up: device, sizes, model configs."""

    def __init__(self, args: argparse.Namespace) -> None:
        import torch
        from mmengine.registry import init_default_scope
        init_default_scope('univ_mm')
        register_cpu_attention_flops()
        self.torch = torch
        self.dry = args.dry_run
        self.cuda = torch.cuda.is_available() and not self.dry
        self.device = torch.device('cuda' if self.cuda else 'cpu')
        self.batch = args.batch or (2 if self.dry else 32)
        self.amp_steps = args.amp_steps or (3 if self.dry else 30)
        self.timed_steps = args.timed_steps or (2 if self.dry else 10)
        self.size = 32 if self.dry else 224

    def model_cfg(self, name: str, dtype: str | None = None,
                  compiled: bool = False, lora_dropout: float | None = None):
        """The config of ``name`` (random teacher); tiny in a dry run."""
        from mmengine.config import Config
        cfg = Config.fromfile(CONFIGS[name])
        model = cfg.model
        model.teacher.init_cfg = None
        if self.dry:
            tiny = (dict(arch=dict(embed_dims=32, num_layers=2, num_heads=2,
                                   feedforward_channels=64), patch_size=8)
                    if name == 'vit-b' else dict(arch='tiny'))
            for part in (model.backbone, model.teacher):
                part.update(tiny, img_size=self.size)
        if lora_dropout is not None:
            model.backbone.lora_cfg.lora_dropout = lora_dropout
        if compiled:
            # a dry run exercises the switch without inductor's minutes
            model.compile_student = dict(backend='eager') if self.dry \
                else True
        if dtype:
            cfg.optim_wrapper.dtype = dtype
        return cfg

    def build(self, cfg):
        """Model and optimizer wrapper on the device; without CUDA the AMP
        wrapper becomes the plain one (fp32)."""
        from mmengine.optim import build_optim_wrapper

        from univ_mm.registry import MODELS
        model = MODELS.build(cfg.model).to(self.device).train()
        optim_cfg = dict(cfg.optim_wrapper)
        if not self.cuda and optim_cfg['type'].endswith('AmpOptimWrapper'):
            optim_cfg['type'] = optim_cfg['type'].replace(
                'AmpOptimWrapper', 'OptimWrapper')
            for key in ('dtype', 'loss_scale'):
                optim_cfg.pop(key, None)
        return model, build_optim_wrapper(model, optim_cfg)

    def batch_data(self, model, seed: int = 0) -> dict:
        """A preprocessed batch of random pairs on the device."""
        generator = self.torch.Generator().manual_seed(seed)
        images = self.torch.randint(
            0, 256, (2 * self.batch, 3, self.size, self.size),
            dtype=self.torch.uint8, generator=generator)
        return model.data_preprocessor(
            dict(inputs=dict(rgb=images[:self.batch],
                             ir=images[self.batch:])), True)

    def sync(self) -> None:
        if self.cuda:
            self.torch.cuda.synchronize()

    def free(self) -> None:
        import gc
        gc.collect()
        if self.cuda:
            self.torch.cuda.empty_cache()


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


def device_decode(check: Check) -> dict:
    """ms per batch of the data preprocessor's device decode path, on
    smooth and high-entropy JPEG pairs."""
    from mmcv.transforms import Compose
    from mmengine.dataset import pseudo_collate

    from univ_mm.benchmarks.input_pipeline import write_high_entropy_pairs
    from univ_mm.models.data_preprocessors import PairedDataPreprocessor
    from univ_mm.synthetic.textured_pairs import write_textured_pairs
    pairs, shape, scale = (4, (96, 120), 40) if check.dry else (
        32, (512, 640), 224)
    pipeline = Compose([
        dict(type='LoadPairedImages', ir_color_type='grayscale',
             decode='device'),
        dict(type='PairedRandomResizedCrop', scale=scale),
        dict(type='PairedRandomFlip', prob=0.5),
        dict(type='PackPairedInputs')])
    preprocessor = PairedDataPreprocessor(decode_on_device=True).to(
        check.device)
    out = {'pairs': pairs, 'shape': list(shape), 'device': str(check.device)}
    for texture, writer in (('smooth', write_textured_pairs),
                            ('high-entropy', write_high_entropy_pairs)):
        with tempfile.TemporaryDirectory() as tmp:
            batch = pseudo_collate([pipeline(dict(item)) for item in
                                    writer(tmp, pairs, shape)])
        for _ in range(2):
            preprocessor(batch, True)
        repeats = []
        for _ in range(3 if check.dry else 10):
            check.sync()
            begin = time.perf_counter()
            preprocessor(batch, True)
            check.sync()
            repeats.append(time.perf_counter() - begin)
        out[f'{texture}_ms'] = statistics.median(repeats) * 1e3
    return out


def train_val_cfg(check: Check, data_root: str, work_dir: str):
    """The demo config: training decodes on the device, validation on the
    CPU (the MVIP config's pipelines), AMP on a GPU; tiny in a dry run."""
    from mmengine.config import Config

    from univ_mm.utils.decode_cycle import decode_on_device_cycle
    cfg = Config.fromfile(DEMO_CONFIG)
    size = 32 if check.dry else 112
    if check.dry:
        vit = dict(type='UNIVVisionTransformer', img_size=size, patch_size=8,
                   out_type='featmap',
                   arch=dict(embed_dims=32, num_layers=2, num_heads=2,
                             feedforward_channels=64))
        cfg.model.backbone = dict(vit, lora_cfg=dict(lora_dropout=0.0))
        cfg.model.teacher = vit
    decode_on_device_cycle(cfg, data_root, size, hold_out=4, iters=4,
                           val_batch=4, work_dir=work_dir)
    if check.cuda:
        cfg.optim_wrapper.update(type='AmpOptimWrapper', dtype='float16',
                                 loss_scale='dynamic')
    return cfg


def train_val(check: Check) -> dict:
    """A runner's train + validation cycle; which batches were decoded on
    the device."""
    from mmengine.runner import Runner

    from univ_mm.models.data_preprocessors import PairedDataPreprocessor
    from univ_mm.models.data_preprocessors.paired_data_preprocessor import (
        is_encoded,
    )
    from univ_mm.synthetic.textured_pairs import write_textured_pairs
    kinds = []
    forward = PairedDataPreprocessor.forward

    def recording(self, data, training=False):
        kinds.append('bytes' if is_encoded(data['inputs']['rgb']) else
                     'images')
        return forward(self, data, training)

    PairedDataPreprocessor.forward = recording
    try:
        with tempfile.TemporaryDirectory() as tmp:
            write_textured_pairs(f'{tmp}/data', 20,
                                 (96, 120) if check.dry else (512, 640))
            runner = Runner.from_cfg(train_val_cfg(check, f'{tmp}/data',
                                                   f'{tmp}/work'))
            runner.train()
            scalars = runner.message_hub.log_scalars
            metric = scalars.get('val/align/ir_top1')
            loss = scalars['train/loss'].current()
    finally:
        PairedDataPreprocessor.forward = forward
    return dict(device=str(next(runner.model.parameters()).device),
                batches=kinds, loss=loss,
                val_align_ir_top1=metric.current() if metric else None)


def run_sections(args: argparse.Namespace) -> dict:
    """Every chosen section; each records ok, skipped (why) or failed."""
    check = Check(args)
    results = dict(dry_run=check.dry, device=str(check.device),
                   batch=check.batch, sections={})
    if check.cuda:
        results['gpu'] = check.torch.cuda.get_device_name()
    results['torch'] = check.torch.__version__
    for name in args.sections:
        begin = time.perf_counter()
        try:
            if not check.cuda and not check.dry:
                raise Skipped('no CUDA device (use --dry-run on a CPU)')
            section = dict(status='ok', **globals()[name](check))
        except Skipped as err:
            section = dict(status='skipped', reason=str(err))
        except Exception as err:
            section = dict(status='failed', error=repr(err)[:500],
                           traceback=traceback.format_exc()[-2000:])
        section['seconds'] = time.perf_counter() - begin
        results['sections'][name] = section
        print(f'[{name}] {section["status"]} in {section["seconds"]:.1f} s',
              flush=True)
    return results


def fmt(value) -> str:
    if value is None:
        return '-'
    if isinstance(value, float):
        return f'{value:.4g}'
    return str(value)


def table(results: dict) -> str:
    """The results as aligned text lines."""
    lines = [f"gpu_check: device {results['device']}"
             f"{' (' + results['gpu'] + ')' if 'gpu' in results else ''}, "
             f"torch {results['torch']}, batch {results['batch']} pairs"
             f"{', DRY RUN (tiny models, CPU)' if results['dry_run'] else ''}"]
    for name, section in results['sections'].items():
        lines.append(f"== {name}: {section['status']} "
                     f"({section['seconds']:.1f} s)")
        if section['status'] != 'ok':
            lines.append(f"   {section.get('reason') or section['error']}")
            continue
        for key, value in section.items():
            if key in ('status', 'seconds'):
                continue
            if isinstance(value, dict):
                lines.append(f'   {key}: ' + ', '.join(
                    f'{k}={fmt(v)}' for k, v in value.items()))
            else:
                lines.append(f'   {key}: {fmt(value)}')
    return '\n'.join(lines)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    results = run_sections(args)
    text = table(results)
    print(text)
    (args.out / 'gpu_check.json').write_text(json.dumps(results, indent=2))
    (args.out / 'gpu_check.txt').write_text(text + '\n')
    failed = [n for n, s in results['sections'].items()
              if s['status'] == 'failed']
    return 1 if failed else 0


if __name__ == '__main__':
    raise SystemExit(main())
