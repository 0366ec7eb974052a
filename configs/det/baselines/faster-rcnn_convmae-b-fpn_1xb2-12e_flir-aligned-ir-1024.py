# ConvMAE-B (the teacher) twin of ../faster-rcnn_univ-convmae-b-fpn_1xb2-12e_flir-aligned-ir-1024.py: only the backbone init differs (../../seg/_base_/baseline_inits.py)
_base_ = [
    '../faster-rcnn_univ-convmae-b-fpn_1xb2-12e_flir-aligned-ir-1024.py',
    '../../seg/_base_/baseline_inits.py'
]
model = dict(backbone=dict(init_cfg=_base_.convmae_b))
