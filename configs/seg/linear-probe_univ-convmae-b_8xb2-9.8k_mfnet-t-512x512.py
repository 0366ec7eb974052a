# UNIV ConvMAE-B, linear probe, mfnet-t (UNIP's protocol of the ViT configs)
_base_ = [
    './_base_/models/linear-probe_univ-convmae-b.py',
    './_base_/datasets/mfnet-t.py',
    './_base_/schedules/adamw-ld0.75_poly-9.8k.py',
    './_base_/default_runtime.py'
]
# model settings: UNIP's thermal statistics, 9 classes
model = dict(
    data_preprocessor=dict(mean=[96.9255] * 3, std=[47.8976] * 3),
    decode_head=dict(num_classes=9))
