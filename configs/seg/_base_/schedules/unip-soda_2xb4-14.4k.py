_base_ = './unip-mfnet_2xb4-9.8k.py'
# learning policy of UNIP's SODA runs (casiatao/UNIP UNIP_segmentation/
# configs/fine_tuning/upernet_vit_base_12_512_slide_14k_soda.py and
# configs/linear_probing/linear_vit_base_12_512_slide_14k_soda.py):
# 14400 iterations, warm-up 1500, mIoU every 800, a checkpoint every 5000
max_iters = 14400
warmup_iters = 1500
param_scheduler = [
    dict(_base_.param_scheduler[0], end=warmup_iters + 1),
    dict(_base_.param_scheduler[1], end=max_iters + 1)
]
train_cfg = dict(max_iters=max_iters, val_interval=800)
default_hooks = dict(checkpoint=dict(interval=5000))
