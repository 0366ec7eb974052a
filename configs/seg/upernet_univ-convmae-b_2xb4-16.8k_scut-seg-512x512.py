# UNIP-B's fine-tuning (casiatao/UNIP .../upernet_vit_base_12_512_slide_17k_scut.py) on ConvMAE-B, layer decay 0.75
_base_ = [
    './_base_/models/upernet_univ-convmae-b.py',
    './_base_/datasets/scut-seg.py',
    './_base_/optimizers/adamw-ld0.75.py',
    './_base_/schedules/unip-scut_2xb4-16.8k.py',
    './_base_/default_runtime.py'
]
train_dataloader = dict(batch_size=4)
model = dict(
    backbone=dict(drop_path_rate=0.1),
    data_preprocessor=_base_.normalisation,
    decode_head=dict(num_classes=10),
    auxiliary_head=dict(num_classes=10))
