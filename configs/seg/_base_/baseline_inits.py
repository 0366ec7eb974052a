# backbone inits of the baselines UNIV is compared with (configs/seg/README.md, Baselines)
_base_ = '../../_base_/mae_vit-b_checkpoint.py'

mae_vit_b = dict(
    type='Pretrained',
    checkpoint=_base_.mae_vit_b_checkpoint,
    prefix='backbone.')
deit_vit_b = dict(
    type='Pretrained',
    checkpoint='checkpoints/deit_base_patch16_224-b5f2ef4d.pth')
dino_vit_b = dict(
    type='Pretrained', checkpoint='checkpoints/dino_vitbase16_pretrain.pth')
ibot_vit_b = dict(
    type='Pretrained',
    checkpoint='checkpoints/ibot_vitb16_checkpoint_teacher.pth')
unip_vit_b = dict(
    type='Pretrained',
    checkpoint='checkpoints/mae_large_layer18_distill_unip_base_100ep_infmix.pth')
convmae_b = dict(type='Pretrained', checkpoint='checkpoints/convmae_base.pth')
