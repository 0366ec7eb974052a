# model settings: ViT-B/16 -> ViTDet's simple feature pyramid (strides 4-64
# from the last block's map) -> Faster R-CNN with ViTDet's box-only head
# layout (2-conv RPN, 4conv1fc box head with LayerNorm): PAD's FLIR detector
# (casiatao/PAD detection/projects/ViTDet/configs/FLIR/
# mask_rcnn_vitdet_b_12ep_step.py: detectron2's configs/common/models/
# mask_rcnn_vitdet.py with the mask head off). As in ViTDet's ViT, the
# sequence has no class token and the pyramid reads the last block's raw
# output (no final norm); drop path 0.1; inputs zero-padded to 1024 x 1024
# after normalisation (square_pad=1024).
# UNIV-init: the merged ViT-B backbone of pre-training (see univ_backbones.py)
_base_ = [
    'mmdet::_base_/models/faster-rcnn_r50_fpn.py',
    '../../../_base_/univ_backbones.py'
]
# detectron2's channel LayerNorm ("LN"), eps 1e-6
norm_cfg = dict(type='mmpretrain.LN2d', eps=1e-6, requires_grad=True)
model = dict(
    # normalisation: ImageNet (MMDetection's); the infrared configs set
    # the statistics of their dataset base
    data_preprocessor=dict(pad_size_divisor=1024),
    backbone=dict(
        _delete_=True,
        type='univ_mm.UNIVVisionTransformer',
        arch='b',
        img_size=224,  # position embeddings are resized to each input
        patch_size=16,
        out_type='featmap',
        out_indices=-1,
        with_cls_token=False,
        final_norm=False,
        drop_path_rate=0.1,
        init_cfg=dict(
            type='Pretrained', checkpoint=_base_.univ_vit_b_checkpoint)),
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
