# PAD-style: UNIP's fine-tuning config as written (casiatao/UNIP .../upernet_vit_base_12_512_slide_17k_scut.py; casiatao/PAD)
_base_ = [
    './_base_/models/upernet_univ-vit-b.py',
    './_base_/datasets/scut-seg.py',
    './_base_/optimizers/adamw-ld0.65.py',
    './_base_/schedules/unip-scut_2xb4-16.8k.py',
    './_base_/default_runtime.py'
]
train_dataloader = dict(batch_size=4)
model = dict(
    data_preprocessor=_base_.normalisation,
    decode_head=dict(num_classes=10),
    auxiliary_head=dict(num_classes=10))
