# DINO ViT-B/16 twin of ../upernet_univ-vit-b_4xb2-48k_msrs-ir-512x512.py: only the backbone init differs (../_base_/baseline_inits.py)
_base_ = ['../upernet_univ-vit-b_4xb2-48k_msrs-ir-512x512.py', '../_base_/baseline_inits.py']
model = dict(backbone=dict(init_cfg=_base_.dino_vit_b))
