# ConvMAE-B (the teacher) twin of ../upernet_univ-convmae-b_2xb4-14.4k_soda-512x512.py: only the backbone init differs (../_base_/baseline_inits.py)
_base_ = ['../upernet_univ-convmae-b_2xb4-14.4k_soda-512x512.py', '../_base_/baseline_inits.py']
model = dict(backbone=dict(init_cfg=_base_.convmae_b))
