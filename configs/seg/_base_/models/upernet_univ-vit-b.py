# model settings: UNIV ViT-B/16 + Feature2Pyramid + UperNet (UNIP's and PAD's fine-tuning layout)
_base_ = ['../../../_base_/univ_backbones.py', './upernet.py']
model = dict(
    backbone=dict(
        type='univ_mm.UNIVVisionTransformer',
        arch='b',
        img_size=_base_.crop_size,
        patch_size=16,
        out_type='featmap',
        out_indices=(3, 5, 7, 11),
        final_norm=False,
        drop_path_rate=0.1,
        init_cfg=dict(
            type='Pretrained', checkpoint=_base_.univ_vit_b_checkpoint)),
    neck=dict(
        type='Feature2Pyramid',
        embed_dim=768,
        rescales=[4, 2, 1, 0.5],
        norm_cfg=_base_.norm_cfg))
