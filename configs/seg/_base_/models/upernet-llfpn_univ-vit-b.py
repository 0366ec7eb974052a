# model settings: UNIP's LL-FPN (every pyramid level from block 12)
_base_ = './upernet_univ-vit-b.py'
model = dict(backbone=dict(out_indices=(11, 11, 11, 11)))
