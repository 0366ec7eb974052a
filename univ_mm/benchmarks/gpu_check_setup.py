"""The set-up the sections of :mod:`.gpu_check` share: the configs, their
device, sizes and batches (tiny in a dry run), and counting the CPU's fused
attention FLOPs. Torch loads when a :class:`Check` is made."""
import argparse

#: The pre-training configs checked, by name.
CONFIGS = {'vit-b': 'configs/pretrain/univ_vit-b_mvip.py',
           'convmae-b': 'configs/pretrain/univ_convmae-b_mvip.py'}
#: The config of the ``train_val`` cycle.
DEMO_CONFIG = 'configs/pretrain/univ_vit-t_synthetic-demo.py'
#: Bytes per MiB, for the peak memory.
MIB = 2**20


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
        from univ_mm.utils.cli import without_amp
        optim_cfg = cfg.optim_wrapper if self.cuda else without_amp(
            cfg.optim_wrapper)
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
