# model settings: UNIV ViT-B/16 + ViTDet's simple feature pyramid (casiatao/PAD detection/projects/ViTDet)
_base_ = './faster-rcnn_vitdet-heads.py'
vit_backbone = dict(
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
        type='Pretrained', checkpoint=_base_.univ_vit_b_checkpoint))
model = dict(
    backbone=vit_backbone,
    neck=dict(
        type='univ_mm.SimpleFeaturePyramid',
        in_channels=768,
        out_channels=256,
        scale_factors=(4.0, 2.0, 1.0, 0.5),
        num_outs=5,
        norm_cfg=_base_.norm_cfg))
