# model settings: UNIV ViT-B/16 -> ViTDet's simple feature pyramid (strides
# 4-64 from the last block's map) -> Faster R-CNN with ViTDet's box-only head
# layout (2-conv RPN, 4conv1fc box head with LayerNorm)
_base_ = 'mmdet::_base_/models/faster-rcnn_r50_fpn.py'
custom_imports = dict(imports=['univ_mm'], allow_failed_imports=False)

# UNIV-init: the merged backbone that pre-training writes at every save
# (work_dirs/<config>/univ_backbone_iter_N.pth) or tools/export_backbone.py
# makes; plain MMPretrain ViT key names. Link it here or override with
#   --cfg-options model.backbone.init_cfg.checkpoint=PATH
univ_checkpoint = 'checkpoints/univ_vit-b-p16_mvip_backbone.pth'
# teacher-init baseline: the RGB teacher UNIV pre-training starts from
# (MAE ViT-B/16, IN-1k, 1600 epochs; MMPretrain release)
teacher_init_cfg = dict(
    type='Pretrained',
    checkpoint='https://download.openmmlab.com/mmselfsup/1.x/mae/mae_vit-base-p16_8xb512-fp16-coslr-1600e_in1k/mae_vit-base-p16_8xb512-fp16-coslr-1600e_in1k_20220825-f7569ca2.pth',  # noqa: E501
    prefix='backbone.')
# normalisation: infrared by default (UNIV's MVIP statistics, 3 identical
# channels); RGB configs use rgb_preprocessor (ImageNet)
rgb_preprocessor = dict(
    mean=[123.675, 116.28, 103.53], std=[58.395, 57.12, 57.375])
norm_cfg = dict(type='mmpretrain.LN2d', requires_grad=True)
model = dict(
    data_preprocessor=dict(mean=[136.12] * 3, std=[64.23] * 3),
    backbone=dict(
        _delete_=True,
        type='univ_mm.UNIVVisionTransformer',
        arch='b',
        img_size=224,  # position embeddings are resized to each input
        patch_size=16,
        out_type='featmap',
        out_indices=-1,
        drop_path_rate=0.1,
        init_cfg=dict(type='Pretrained', checkpoint=univ_checkpoint)),
    neck=dict(
        _delete_=True,
        type='univ_mm.SimpleFeaturePyramid',
        in_channels=768,
        out_channels=256,
        scale_factors=(4.0, 2.0, 1.0, 0.5),
        num_outs=5,
        norm_cfg=norm_cfg),
    rpn_head=dict(num_convs=2),
    roi_head=dict(
        bbox_head=dict(
            type='Shared4Conv1FCBBoxHead',
            conv_out_channels=256,
            norm_cfg=norm_cfg)))
