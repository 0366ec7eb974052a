# UNIV-initialised ViT-B/16 + simple feature pyramid + Faster R-CNN,
# 12 epochs on FLIR ADAS v1 thermal, 3 classes (the PAD protocol)
_base_ = [
    './_base_/models/faster-rcnn_vit-b-p16-sfp.py',
    './_base_/datasets/flir-ir.py',
    './_base_/schedules/adamw-ld0.7_12e.py',
    './_base_/default_runtime.py',
]
model = dict(roi_head=dict(bbox_head=dict(num_classes=3)))
