# UNIP-B's fine-tuning (casiatao/UNIP .../upernet_vit_base_12_512_slide_10k_mfnet.py) on ConvMAE-B, layer decay 0.75
_base_ = [
    './_base_/models/upernet_univ-convmae-b.py',
    './_base_/datasets/mfnet-t.py',
    './_base_/optimizers/adamw-ld0.75.py',
    './_base_/schedules/unip-mfnet_2xb4-9.8k.py',
    './_base_/default_runtime.py'
]
train_dataloader = dict(batch_size=4)
model = dict(
    backbone=dict(drop_path_rate=0.1),
    data_preprocessor=_base_.normalisation,
    decode_head=dict(num_classes=9),
    auxiliary_head=dict(num_classes=9))
