# Backbone initialisations of the baselines UNIV is compared with, for
# model.backbone.init_cfg of the twins in configs/seg/baselines and
# configs/det/baselines. Each names the file a user downloads from the
# model's release; loading the native formats (timm/DeiT/DINO/iBOT/UNIP key
# names) is the checkpoint loader's job.
_base_ = '../../_base_/mae_vit-b_checkpoint.py'

# MAE ViT-B/16: the RGB teacher UNIV pre-training starts from
mae_vit_b = dict(
    type='Pretrained',
    checkpoint=_base_.mae_vit_b_checkpoint,
    prefix='backbone.')
# DeiT-B/16, IN-1k supervised (facebookresearch/deit:
# https://dl.fbaipublicfiles.com/deit/deit_base_patch16_224-b5f2ef4d.pth)
deit_vit_b = dict(
    type='Pretrained',
    checkpoint='checkpoints/deit_base_patch16_224-b5f2ef4d.pth')
# DINO ViT-B/16, IN-1k self-supervised (facebookresearch/dino:
# https://dl.fbaipublicfiles.com/dino/dino_vitbase16_pretrain/dino_vitbase16_pretrain.pth)
dino_vit_b = dict(
    type='Pretrained', checkpoint='checkpoints/dino_vitbase16_pretrain.pth')
# iBOT ViT-B/16, IN-1k, the teacher weights (bytedance/ibot:
# https://lf3-nlp-opensource.bytetos.com/obj/nlp-opensource/archive/2022/ibot/vitb_16/checkpoint_teacher.pth,
# saved under the name below)
ibot_vit_b = dict(
    type='Pretrained',
    checkpoint='checkpoints/ibot_vitb16_checkpoint_teacher.pth')
# UNIP-B (ViT-B/16 distilled from MAE-L on InfMix), casiatao/UNIP's release,
# the file its UNIP_segmentation/train_scripts/train_vit_base.sh loads
unip_vit_b = dict(
    type='Pretrained',
    checkpoint='checkpoints/mae_large_layer18_distill_unip_base_100ep_infmix.pth')
# ConvMAE-B, IN-1k (Alpha-VL/ConvMAE's release, weights under 'model'): the
# teacher UNIV's ConvMAE-B pre-training starts from, for the twins of the
# ConvMAE configs (the ViT inits above do not fit UNIVConvMAE)
convmae_b = dict(type='Pretrained', checkpoint='checkpoints/convmae_base.pth')
