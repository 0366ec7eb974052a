_base_ = [
    './_base_/models/upernet_univ-vit-b.py',
    './_base_/datasets/mfnet-rgb.py',
    './_base_/schedules/adamw-ld0.75_poly-9.8k.py',
    './_base_/default_runtime.py'
]
# model settings: ImageNet statistics (RGB), 9 classes
model = dict(
    decode_head=dict(num_classes=9),
    auxiliary_head=dict(num_classes=9))
