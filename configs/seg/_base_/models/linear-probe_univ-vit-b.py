# model settings: linear probe on a frozen UNIV ViT-B/16 (blocks 4/6/8/12)
_base_ = ['./linear-probe.py', './univ-vit-b_dense.py']
model = dict(
    backbone=dict(
        **_base_.vit_backbone, drop_path_rate=0.0, frozen_stages=12))
