# UNIP-B's fine-tuning (casiatao/UNIP UNIP_segmentation/train_scripts/train_vit_base.sh, configs/fine_tuning/upernet_vit_base_12_512_slide_14k_soda.py)
_base_ = [
    './_base_/models/upernet-llfpn_univ-vit-b.py',
    './_base_/datasets/soda.py',
    './_base_/optimizers/adamw-ld0.85.py',
    './_base_/schedules/unip-soda_2xb4-14.4k.py',
    './_base_/default_runtime.py'
]
train_dataloader = dict(batch_size=4)
model = dict(
    data_preprocessor=_base_.normalisation,
    decode_head=dict(num_classes=21),
    auxiliary_head=dict(num_classes=21))
