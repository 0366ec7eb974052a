# UNIV with a DeiT-B/16 teacher (facebookresearch/deit); beyond the paper
_base_ = './univ_vit-b_mvip.py'

teacher_checkpoint = 'https://dl.fbaipublicfiles.com/deit/deit_base_patch16_224-b5f2ef4d.pth'  # noqa: E501
model = dict(teacher=dict(init_cfg=dict(checkpoint=teacher_checkpoint)))
