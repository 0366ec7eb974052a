# UNIV ConvMAE-B, UperNet, msrs-rgb (the UNIV release's MSRS protocol)
_base_ = [
    './_base_/models/upernet_univ-convmae-b.py',
    './_base_/datasets/msrs-rgb.py',
    './_base_/schedules/adamw-ld0.75-convmae_poly-48k.py',
    './_base_/default_runtime.py'
]
# model settings: ImageNet statistics (RGB), 9 classes
model = dict(
    decode_head=dict(num_classes=9),
    auxiliary_head=dict(num_classes=9))
