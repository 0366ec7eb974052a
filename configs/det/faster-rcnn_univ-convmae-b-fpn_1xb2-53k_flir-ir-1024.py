# PAD's FLIR protocol (casiatao/PAD detection/projects/ViTDet/configs/FLIR/mask_rcnn_vitdet_b_12ep_step.py) on ConvMAE-B
_base_ = [
    './_base_/models/faster-rcnn_univ-convmae-b-fpn.py',
    './_base_/datasets/flir-ir.py',
    './_base_/schedules/adamw-ld0.7_1xb2-53k.py',
    './_base_/default_runtime.py',
]
optim_wrapper = dict(
    paramwise_cfg=dict(custom_keys=_base_.convmae_norms_no_decay))
model = dict(
    data_preprocessor=_base_.normalisation,
    roi_head=dict(bbox_head=dict(num_classes=3)))
default_hooks = dict(
    checkpoint=dict(by_epoch=False, interval=10000, max_keep_ckpts=1),
    logger=dict(interval=100))
log_processor = dict(by_epoch=False)
