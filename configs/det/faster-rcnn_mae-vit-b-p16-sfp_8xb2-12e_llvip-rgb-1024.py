# Teacher-init baseline of the UNIV config it inherits: the same detector
# started from the MAE ViT-B/16 that UNIV distils from (no UNIV training)
_base_ = './faster-rcnn_univ-vit-b-p16-sfp_8xb2-12e_llvip-rgb-1024.py'
model = dict(backbone=dict(init_cfg=_base_.teacher_init_cfg))
