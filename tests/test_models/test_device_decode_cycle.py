"""decode='device' training with CPU-decoded validation, through a runner.

The GPU decode recipe of docs/en/gpu.md
(``LoadPairedImages(decode='device')`` in the training pipeline and
``model.data_preprocessor.decode_on_device=True``) leaves the validation
pipeline decoding on the CPU; the shared data preprocessor must
take both kinds of batch.
"""
import numpy as np
from helpers import TINY_ARCH
from mmengine.config import Config
from mmengine.runner import Runner

from univ_mm.models.data_preprocessors import PairedDataPreprocessor
from univ_mm.models.data_preprocessors.paired_data_preprocessor import (
    is_encoded,
)
from univ_mm.synthetic.textured_pairs import write_textured_pairs
from univ_mm.utils.decode_cycle import decode_on_device_cycle

CONFIG = 'configs/pretrain/univ_vit-t_synthetic-demo.py'
SIZE = 32


def device_decode_cfg(data_root: str, work_dir: str) -> Config:
    """The demo config with a tiny ViT, the training pipeline decoding on
    the device and the validation pipeline on the CPU (as the MVIP
    config's), 2 iterations then validation."""
    cfg = Config.fromfile(CONFIG)
    vit = dict(type='UNIVVisionTransformer', arch=TINY_ARCH, img_size=SIZE,
               patch_size=8, out_type='featmap')
    cfg.model.backbone = dict(vit, lora_cfg=dict(lora_dropout=0))
    cfg.model.teacher = vit
    return decode_on_device_cycle(cfg, data_root, SIZE, hold_out=2,
                                  iters=2, val_batch=2, work_dir=work_dir)


def test_train_and_validation_cycle_with_decode_on_device(tmp_path,
                                                          monkeypatch):
    write_textured_pairs(str(tmp_path / 'data'), 10, shape=(48, 64))
    kinds = []
    forward = PairedDataPreprocessor.forward

    def recording(self, data, training=False):
        kinds.append((training, is_encoded(data['inputs']['rgb'])))
        return forward(self, data, training)

    monkeypatch.setattr(PairedDataPreprocessor, 'forward', recording)
    runner = Runner.from_cfg(device_decode_cfg(str(tmp_path / 'data'),
                                               str(tmp_path / 'work')))
    runner.train()
    # 2 training batches of bytes, then the 2 held-out pairs decoded
    assert kinds == [(True, True), (True, True), (False, False)]
    metrics = runner.message_hub.log_scalars
    assert np.isfinite(metrics['train/loss'].current())
    assert 'val/align/ir_top1' in metrics
