# learning policy: UNIP's SCUT-Seg runs (casiatao/UNIP ..._17k_scut.py)
_base_ = './unip-mfnet_2xb4-9.8k.py'
max_iters = 16800
warmup_iters = 1700
param_scheduler = [
    dict(_base_.param_scheduler[0], end=warmup_iters + 1),
    dict(_base_.param_scheduler[1], end=max_iters + 1)
]
train_cfg = dict(max_iters=max_iters, val_interval=800)
default_hooks = dict(checkpoint=dict(interval=8400))
