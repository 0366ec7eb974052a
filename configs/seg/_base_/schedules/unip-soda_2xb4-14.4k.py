# learning policy: UNIP's SODA runs (casiatao/UNIP ..._14k_soda.py)
_base_ = './unip-mfnet_2xb4-9.8k.py'
max_iters = 14400
warmup_iters = 1500
param_scheduler = [
    dict(_base_.param_scheduler[0], end=warmup_iters + 1),
    dict(_base_.param_scheduler[1], end=max_iters + 1)
]
train_cfg = dict(max_iters=max_iters, val_interval=800)
default_hooks = dict(checkpoint=dict(interval=5000))
