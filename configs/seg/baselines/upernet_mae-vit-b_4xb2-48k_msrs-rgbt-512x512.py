# MAE ViT-B/16 (the RGB teacher) twin of ../upernet_univ-vit-b_4xb2-48k_msrs-rgbt-512x512.py: only the shared backbone's init differs (../_base_/baseline_inits.py)
_base_ = [
    '../upernet_univ-vit-b_4xb2-48k_msrs-rgbt-512x512.py',
    '../_base_/baseline_inits.py'
]
model = dict(backbone=dict(backbone=dict(init_cfg=_base_.mae_vit_b)))
