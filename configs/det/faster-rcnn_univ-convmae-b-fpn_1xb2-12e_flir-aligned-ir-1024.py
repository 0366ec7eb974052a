# PAD's FLIR recipe counted in epochs (no published protocol for this dataset) on ConvMAE-B
_base_ = [
    './_base_/models/faster-rcnn_univ-convmae-b-fpn.py',
    './_base_/datasets/flir-aligned-ir.py',
    './_base_/schedules/adamw-ld0.7_1xb2-12e.py',
    './_base_/default_runtime.py',
]
optim_wrapper = dict(
    paramwise_cfg=dict(custom_keys=_base_.convmae_norms_no_decay))
model = dict(
    data_preprocessor=_base_.normalisation,
    roi_head=dict(bbox_head=dict(num_classes=3)))
