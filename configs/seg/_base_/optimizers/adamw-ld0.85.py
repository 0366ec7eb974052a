# optimizer: UNIP-B's runs, layer decay 0.85 (casiatao/UNIP train_scripts/train_vit_base.sh)
_base_ = './adamw-ld0.65.py'
optim_wrapper = dict(paramwise_cfg=dict(layer_decay_rate=0.85))
