# Beyond the paper: UNIV with a DINOv2 ViT-B/14 teacher (LVD-142M, without
# registers) instead of MAE ViT-B/16; otherwise the official recipe.
# Teacher: the DINOv2 release (github.com/facebookresearch/dinov2, README
# "Pretrained models", backbone only), timm names with layer scale
# (blocks.N.ls1.gamma), converted when it loads. 224 px gives 16 x 16 patches
# of 14 px; the release's 37 x 37 position embedding is resized at load.
_base_ = './univ_vit-b_mvip.py'

teacher_checkpoint = 'https://dl.fbaipublicfiles.com/dinov2/dinov2_vitb14/dinov2_vitb14_pretrain.pth'  # noqa: E501
model = dict(
    backbone=dict(
        arch='dinov2-b', patch_size=14, layer_scale_init_value=1e-5),
    teacher=dict(
        arch='dinov2-b', patch_size=14, layer_scale_init_value=1e-5,
        init_cfg=dict(checkpoint=teacher_checkpoint)),
)
