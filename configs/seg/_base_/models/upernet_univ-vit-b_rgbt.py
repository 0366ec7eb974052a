# model settings: upernet_univ-vit-b.py on both cameras: one ViT-B for RGB and IR, maps fused per level
_base_ = [
    './upernet_univ-vit-b.py', './rgbt_preprocessor.py',
    '../../../_base_/rgbt_fusion.py'
]
model = dict(
    data_preprocessor=_base_.rgbt_data_preprocessor,
    backbone=dict(
        _delete_=True,
        type='univ_mm.RGBTFusionBackbone',
        backbone=dict(**_base_.vit_backbone, drop_path_rate=0.1),
        channels=(768, ) * 4,
        **_base_.rgbt_fusion))
