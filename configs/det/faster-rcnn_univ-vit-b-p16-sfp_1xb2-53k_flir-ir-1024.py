# PAD's FLIR protocol (casiatao/PAD detection/projects/ViTDet/configs/FLIR/mask_rcnn_vitdet_b_12ep_step.py)
_base_ = [
    './_base_/models/faster-rcnn_vit-b-p16-sfp.py',
    './_base_/datasets/flir-ir.py',
    './_base_/schedules/adamw-ld0.7_1xb2-53k.py',
    './_base_/default_runtime.py',
]
model = dict(
    data_preprocessor=_base_.normalisation,
    roi_head=dict(bbox_head=dict(num_classes=3)))
default_hooks = dict(
    checkpoint=dict(by_epoch=False, interval=10000, max_keep_ckpts=1),
    logger=dict(interval=100))
log_processor = dict(by_epoch=False)
