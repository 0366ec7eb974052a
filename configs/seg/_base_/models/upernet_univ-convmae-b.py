# model settings: UNIV ConvMAE-B (four maps, no neck) + UperNet, as the UNIV release fine-tunes it
_base_ = [
    '../../../_base_/univ_backbones.py', './upernet.py',
    './univ-convmae-b_dense.py'
]
model = dict(
    backbone=dict(
        **_base_.convmae_backbone,
        init_cfg=dict(
            type='Pretrained', checkpoint=_base_.univ_convmae_b_checkpoint)),
    neck=None,
    decode_head=dict(in_channels=[256, 384, 768, 768]))
