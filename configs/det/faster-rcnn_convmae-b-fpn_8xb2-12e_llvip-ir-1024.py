# Teacher-init baseline of the UNIV config it inherits: the same detector
# started from the ConvMAE-B ImageNet-1k release (no UNIV training)
_base_ = './faster-rcnn_univ-convmae-b-fpn_8xb2-12e_llvip-ir-1024.py'
model = dict(backbone=dict(init_cfg=_base_.teacher_init_cfg))
