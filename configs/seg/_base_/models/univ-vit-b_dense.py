# UNIV ViT-B/16 as UNIP's and PAD's dense heads read it: blocks 4/6/8/12 as maps
_base_ = '../../../_base_/univ_backbones.py'
vit_backbone = dict(
    type='univ_mm.UNIVVisionTransformer',
    arch='b',
    img_size=(512, 512),
    patch_size=16,
    out_type='featmap',
    out_indices=(3, 5, 7, 11),
    final_norm=False,
    init_cfg=dict(type='Pretrained', checkpoint=_base_.univ_vit_b_checkpoint))
