# model settings: faster-rcnn_vit-b-p16-sfp.py on both cameras: one ViT-B for RGB and IR, its map fused
_base_ = [
    './faster-rcnn_vit-b-p16-sfp.py', '../../../_base_/rgbt_fusion.py'
]
model = dict(
    data_preprocessor=dict(
        _delete_=True,
        type='univ_mm.RGBTDetDataPreProcessor',
        bgr_to_rgb=True,
        pad_size_divisor=1024),
    backbone=dict(
        _delete_=True,
        type='univ_mm.RGBTFusionBackbone',
        backbone=_base_.vit_backbone,
        channels=(768, ),
        **_base_.rgbt_fusion))
