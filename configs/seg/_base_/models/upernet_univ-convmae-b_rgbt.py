# model settings: upernet_univ-convmae-b.py on both cameras: one ConvMAE-B for RGB and IR, maps fused per level
_base_ = [
    './upernet_univ-convmae-b.py', './rgbt_preprocessor.py',
    '../../../_base_/rgbt_fusion.py'
]
model = dict(
    data_preprocessor=_base_.rgbt_data_preprocessor,
    backbone=dict(
        _delete_=True,
        type='univ_mm.RGBTFusionBackbone',
        backbone=dict(
            **_base_.convmae_backbone,
            init_cfg=dict(
                type='Pretrained',
                checkpoint=_base_.univ_convmae_b_checkpoint)),
        channels=(256, 384, 768, 768),
        **_base_.rgbt_fusion))
