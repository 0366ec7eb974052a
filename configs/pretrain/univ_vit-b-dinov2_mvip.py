# UNIV with a DINOv2 ViT-B/14 teacher (facebookresearch/dinov2); beyond the paper
_base_ = './univ_vit-b_mvip.py'

teacher_checkpoint = 'https://dl.fbaipublicfiles.com/dinov2/dinov2_vitb14/dinov2_vitb14_pretrain.pth'  # noqa: E501
model = dict(
    backbone=dict(
        arch='dinov2-b', patch_size=14, layer_scale_init_value=1e-5),
    teacher=dict(
        arch='dinov2-b', patch_size=14, layer_scale_init_value=1e-5,
        init_cfg=dict(checkpoint=teacher_checkpoint)),
)
