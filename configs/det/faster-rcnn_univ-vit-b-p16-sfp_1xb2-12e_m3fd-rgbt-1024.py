# faster-rcnn_univ-vit-b-p16-sfp_1xb2-12e_m3fd-ir-1024.py on RGB + thermal (PAD's FLIR recipe counted in epochs)
_base_ = [
    './_base_/models/faster-rcnn_vit-b-p16-sfp_rgbt.py',
    './_base_/datasets/m3fd-rgbt.py',
    './_base_/schedules/adamw-ld0.7_1xb2-12e.py',
    './_base_/default_runtime.py',
]
model = dict(
    data_preprocessor=_base_.normalisation,
    roi_head=dict(bbox_head=dict(num_classes=6)))
