# Teacher-init baseline of the UNIV config it inherits: the same model
# started from the ConvMAE-B ImageNet-1k release (no UNIV training)
_base_ = './upernet_univ-convmae-b_8xb2-16.8k_scut-seg-512x512.py'
model = dict(backbone=dict(init_cfg=_base_.teacher_init_cfg))
