_base_ = './adamw-ld0.75_poly-48k.py'
# learning policy: UNIP's MFNet schedule, 9.8k iterations, eval every 700
max_iters = 9800
param_scheduler = [
    _base_.param_scheduler[0],
    dict(_base_.param_scheduler[1], end=max_iters)
]
train_cfg = dict(max_iters=max_iters, val_interval=700)
default_hooks = dict(checkpoint=dict(interval=700))
