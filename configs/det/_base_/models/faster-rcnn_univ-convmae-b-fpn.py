# model settings: UNIV ConvMAE-B's four maps (strides 4/8/16/32,
# 256/384/768/768 channels, as its segmentation backbone gives them) -> FPN
# (256 channels, 5 levels) -> MMDetection's Faster R-CNN heads
_base_ = 'mmdet::_base_/models/faster-rcnn_r50_fpn.py'
custom_imports = dict(imports=['univ_mm'], allow_failed_imports=False)

# UNIV-init: the authors' UNIV_checkpoint.pth (weights under 'student') or a
# univ_mm export of configs/pretrain/univ_convmae-b_mvip.py; override with
#   --cfg-options model.backbone.init_cfg.checkpoint=PATH
univ_checkpoint = 'checkpoints/UNIV_checkpoint.pth'
# teacher-init baseline: the ConvMAE-B ImageNet-1k release UNIV starts from
teacher_init_cfg = dict(
    type='Pretrained', checkpoint='checkpoints/convmae_base.pth')
# normalisation: infrared by default (UNIV's MVIP statistics, 3 identical
# channels); RGB configs use rgb_preprocessor (ImageNet)
rgb_preprocessor = dict(
    mean=[123.675, 116.28, 103.53], std=[58.395, 57.12, 57.375])
model = dict(
    data_preprocessor=dict(mean=[136.12] * 3, std=[64.23] * 3),
    backbone=dict(
        _delete_=True,
        type='univ_mm.UNIVConvMAE',
        arch='b',
        img_size=224,  # the position embedding is resized to each input
        out_indices=(0, 1, 2, 3),
        drop_path_rate=0.1,
        final_norm=False,
        norm_cfg=dict(type='SyncBN', requires_grad=True),
        init_cfg=dict(type='Pretrained', checkpoint=univ_checkpoint)),
    neck=dict(in_channels=[256, 384, 768, 768]))
