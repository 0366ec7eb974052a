# UNIV ConvMAE-B, UperNet, msrs-ir (the UNIV release's MSRS protocol)
_base_ = [
    './_base_/models/upernet_univ-convmae-b.py',
    './_base_/datasets/msrs-ir.py',
    './_base_/schedules/adamw-ld0.75-convmae_poly-48k.py',
    './_base_/default_runtime.py'
]
# model settings: UNIV's infrared statistics (pre-training), 9 classes
model = dict(
    data_preprocessor=dict(mean=[136.12] * 3, std=[64.23] * 3),
    decode_head=dict(num_classes=9),
    auxiliary_head=dict(num_classes=9))
