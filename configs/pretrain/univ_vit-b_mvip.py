# UNIV pre-training, the official recipe on ViT-B/16: 8 GPUs x 32 pairs, 400 epochs of MVIP
_base_ = [
    '../_base_/models/univ_vit-b.py',
    '../_base_/datasets/mvip.py',
    '../_base_/schedules/adamw_400e.py',
    '../_base_/default_runtime.py',
]
