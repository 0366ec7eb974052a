# model settings: linear probe on a frozen UNIV ViT-B/16 (blocks 4/6/8/12)
_base_ = ['../../../_base_/univ_backbones.py', './linear-probe.py']
model = dict(
    backbone=dict(
        type='univ_mm.UNIVVisionTransformer',
        arch='b',
        img_size=_base_.crop_size,
        patch_size=16,
        out_type='featmap',
        out_indices=(3, 5, 7, 11),
        final_norm=False,
        drop_path_rate=0.0,
        init_cfg=dict(
            type='Pretrained', checkpoint=_base_.univ_vit_b_checkpoint),
        frozen_stages=12))
