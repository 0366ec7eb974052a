# UNIV on ViT-S/16, teacher = DeiT-S (IN-1k); beyond the paper
_base_ = './univ_vit-b_mvip.py'

teacher_checkpoint = 'https://download.openmmlab.com/mmclassification/v0/deit/deit-small_pt-4xb256_in1k_20220218-9425b9bb.pth'  # noqa: E501
model = dict(
    backbone=dict(arch='deit-s'),
    teacher=dict(arch='deit-s', init_cfg=dict(checkpoint=teacher_checkpoint)),
)
