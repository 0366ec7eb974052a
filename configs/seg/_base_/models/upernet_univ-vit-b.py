# model settings: UNIV ViT-B/16 + Feature2Pyramid + UperNet (UNIP's and PAD's fine-tuning layout)
_base_ = ['./upernet.py', './univ-vit-b_dense.py']
model = dict(
    backbone=dict(**_base_.vit_backbone, drop_path_rate=0.1),
    neck=dict(
        type='Feature2Pyramid',
        embed_dim=768,
        rescales=[4, 2, 1, 0.5],
        norm_cfg=_base_.norm_cfg))
