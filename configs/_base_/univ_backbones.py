# the pre-trained UNIV backbones the downstream configs start from: link
# your file here or pass --cfg-options model.backbone.init_cfg.checkpoint=PATH
# ViT-B/16: the merged export of configs/pretrain/univ_vit-b_mvip.py
# (work_dirs/univ_vit-b_mvip/univ_backbone_iter_N.pth, written at every
# save, or tools/export_backbone.py; plain MMPretrain ViT names)
univ_vit_b_checkpoint = 'checkpoints/univ_vit-b-p16_mvip_backbone.pth'
# ConvMAE-B: the authors' UNIV_checkpoint.pth (merged weights under
# 'student') or a univ_mm export of configs/pretrain/univ_convmae-b_mvip.py
univ_convmae_b_checkpoint = 'checkpoints/UNIV_checkpoint.pth'
