# Beyond the paper: UNIV with a supervised DeiT-B/16 teacher (ImageNet-1k,
# 81.8 % top-1) instead of the self-supervised MAE ViT-B/16; otherwise the
# official recipe. Teacher: the DeiT release (github.com/facebookresearch/deit,
# README "Model Zoo"), {'model': timm names}, converted when it loads (its
# classifier head is left out).
_base_ = './univ_vit-b_mvip.py'

teacher_checkpoint = 'https://dl.fbaipublicfiles.com/deit/deit_base_patch16_224-b5f2ef4d.pth'  # noqa: E501
model = dict(teacher=dict(init_cfg=dict(checkpoint=teacher_checkpoint)))
