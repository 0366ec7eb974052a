# UNIV on ViT-L/16, teacher = MAE ViT-L/16 (IN-1k, 1600 ep); beyond the paper
_base_ = './univ_vit-b_mvip.py'

teacher_checkpoint = 'https://download.openmmlab.com/mmselfsup/1.x/mae/mae_vit-large-p16_8xb512-fp16-coslr-1600e_in1k/mae_vit-large-p16_8xb512-fp16-coslr-1600e_in1k_20220825-cc7e98c9.pth'  # noqa: E501
model = dict(
    backbone=dict(arch='l'),
    teacher=dict(arch='l', init_cfg=dict(checkpoint=teacher_checkpoint)),
)
