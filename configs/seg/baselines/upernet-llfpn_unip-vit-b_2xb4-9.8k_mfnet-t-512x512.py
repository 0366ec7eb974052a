# UNIP-B twin of ../upernet-llfpn_univ-vit-b_2xb4-9.8k_mfnet-t-512x512.py: only the backbone init differs (../_base_/baseline_inits.py)
_base_ = ['../upernet-llfpn_univ-vit-b_2xb4-9.8k_mfnet-t-512x512.py', '../_base_/baseline_inits.py']
model = dict(backbone=dict(init_cfg=_base_.unip_vit_b))
