# the pre-trained UNIV backbones the downstream configs start from (configs/pretrain/README.md)
univ_vit_b_checkpoint = 'checkpoints/univ_vit-b-p16_mvip_backbone.pth'
univ_convmae_b_checkpoint = 'checkpoints/UNIV_checkpoint.pth'
