# model settings: Faster R-CNN with ViTDet's box-only heads (PAD's FLIR detector); backbone and neck set by the two files below
_base_ = [
    'mmdet::_base_/models/faster-rcnn_r50_fpn.py',
    '../../../_base_/univ_backbones.py'
]
norm_cfg = dict(type='mmpretrain.LN2d', eps=1e-6, requires_grad=True)
model = dict(
    data_preprocessor=dict(pad_size_divisor=1024),
    backbone=dict(_delete_=True),
    neck=dict(_delete_=True),
    rpn_head=dict(num_convs=2),
    roi_head=dict(
        bbox_head=dict(
            type='Shared4Conv1FCBBoxHead',
            conv_out_channels=256,
            norm_cfg=norm_cfg)))
