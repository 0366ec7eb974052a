# UNIV ConvMAE-B, linear probe, soda (UNIP's protocol of the ViT configs)
_base_ = [
    './_base_/models/linear-probe_univ-convmae-b.py',
    './_base_/datasets/soda.py',
    './_base_/schedules/adamw-ld0.75_poly-14.4k.py',
    './_base_/default_runtime.py'
]
# model settings: UNIP's thermal statistics, 21 classes
model = dict(
    data_preprocessor=dict(mean=[96.9255] * 3, std=[47.8976] * 3),
    decode_head=dict(num_classes=21))
