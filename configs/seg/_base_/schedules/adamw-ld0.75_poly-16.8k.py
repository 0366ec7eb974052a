_base_ = './adamw-ld0.75_poly-48k.py'
# learning policy: UNIP's SCUT-Seg schedule, 16.8k iterations, eval every 800
max_iters = 16800
param_scheduler = [
    _base_.param_scheduler[0],
    dict(_base_.param_scheduler[1], end=max_iters)
]
train_cfg = dict(max_iters=max_iters, val_interval=800)
default_hooks = dict(checkpoint=dict(interval=800))
