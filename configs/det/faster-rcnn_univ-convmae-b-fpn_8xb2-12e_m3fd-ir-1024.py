# UNIV-initialised ConvMAE-B + FPN over its four maps + Faster R-CNN,
# 12 epochs on M3FD infrared, 6 classes
_base_ = [
    './_base_/models/faster-rcnn_univ-convmae-b-fpn.py',
    './_base_/datasets/m3fd-ir.py',
    './_base_/schedules/adamw-ld0.7_12e.py',
    './_base_/default_runtime.py',
]
model = dict(roi_head=dict(bbox_head=dict(num_classes=6)))
