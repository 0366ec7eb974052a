# model settings: ViT-B/16 + Feature2Pyramid + UperNet, FCN auxiliary head,
# the layout of UNIP's and PAD's fine-tuning configs (casiatao/UNIP
# UNIP_segmentation/configs/fine_tuning/upernet_vit_base_*.py and
# backbone/mae.py; casiatao/PAD segmentation/configs/mae/*.py): the raw
# outputs of blocks 4/6/8/12 (their MAE backbone applies no norm to them:
# final_norm=False), rescaled x4 (two 2x2 deconvolutions with SyncBN + GELU
# between), x2, x1 and x0.5, UperNet with 768 channels, an FCN head with
# loss weight 0.4 on the third level, sliding-window inference.
# The backbone is a merged UNIV export (configs/_base_/univ_backbones.py) or,
# for a baseline, another ViT-B (configs/seg/baselines):
#   --cfg-options model.backbone.init_cfg.checkpoint=PATH
_base_ = '../../../_base_/univ_backbones.py'
crop_size = (512, 512)
norm_cfg = dict(type='SyncBN', requires_grad=True)
model = dict(
    type='EncoderDecoder',
    data_preprocessor=dict(
        type='SegDataPreProcessor',
        mean=[123.675, 116.28, 103.53],  # ImageNet; thermal configs override
        std=[58.395, 57.12, 57.375],
        bgr_to_rgb=True,
        pad_val=0,
        seg_pad_val=255,
        size=crop_size),
    backbone=dict(
        type='univ_mm.UNIVVisionTransformer',
        arch='b',
        img_size=crop_size,
        patch_size=16,
        out_type='featmap',
        out_indices=(3, 5, 7, 11),
        final_norm=False,
        drop_path_rate=0.1,
        init_cfg=dict(
            type='Pretrained', checkpoint=_base_.univ_vit_b_checkpoint)),
    # stride-16 maps of blocks 4/6/8/12 -> strides 4/8/16/32
    neck=dict(
        type='Feature2Pyramid',
        embed_dim=768,
        rescales=[4, 2, 1, 0.5],
        norm_cfg=norm_cfg),
    decode_head=dict(
        type='UPerHead',
        in_channels=[768, 768, 768, 768],
        in_index=[0, 1, 2, 3],
        pool_scales=(1, 2, 3, 6),
        channels=768,
        dropout_ratio=0.1,
        norm_cfg=norm_cfg,
        align_corners=False,
        loss_decode=dict(
            type='CrossEntropyLoss', use_sigmoid=False, loss_weight=1.0)),
    auxiliary_head=dict(
        type='FCNHead',
        in_channels=768,
        in_index=2,
        channels=256,
        num_convs=1,
        concat_input=False,
        dropout_ratio=0.1,
        norm_cfg=norm_cfg,
        align_corners=False,
        loss_decode=dict(
            type='CrossEntropyLoss', use_sigmoid=False, loss_weight=0.4)),
    train_cfg=dict(),
    test_cfg=dict(mode='slide', crop_size=crop_size, stride=(341, 341)))
