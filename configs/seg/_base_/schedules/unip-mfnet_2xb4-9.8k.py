# learning policy: UNIP's MFNet runs (casiatao/UNIP ..._10k_mfnet.py)
_base_ = './univ-msrs_4xb2-48k.py'
max_iters = 9800
warmup_iters = 1000
param_scheduler = [
    dict(_base_.param_scheduler[0], end=warmup_iters + 1),
    dict(_base_.param_scheduler[1], end=max_iters + 1)
]
train_cfg = dict(max_iters=max_iters, val_interval=700)
default_hooks = dict(checkpoint=dict(interval=4900, max_keep_ckpts=1))
randomness = dict(seed=0)
auto_scale_lr = dict(base_batch_size=2 * 4)
