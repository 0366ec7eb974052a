"""The data sections of :mod:`.gpu_check`: the preprocessor's device
decode (``device_decode``) and a runner's train + validation cycle with the
training pipeline decoding on the device (``train_val``)."""
import statistics
import tempfile
import time

from .gpu_check_setup import DEMO_CONFIG, Check


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
