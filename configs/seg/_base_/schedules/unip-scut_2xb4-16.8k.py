_base_ = './unip-mfnet_2xb4-9.8k.py'
# learning policy of UNIP's SCUT-Seg runs (casiatao/UNIP UNIP_segmentation/
# configs/fine_tuning/upernet_vit_base_12_512_slide_17k_scut.py and
# configs/linear_probing/linear_vit_base_12_512_slide_17k_scut.py):
# 16800 iterations, warm-up 1700, mIoU every 800, a checkpoint every 8400
max_iters = 16800
warmup_iters = 1700
param_scheduler = [
    dict(_base_.param_scheduler[0], end=warmup_iters + 1),
    dict(_base_.param_scheduler[1], end=max_iters + 1)
]
train_cfg = dict(max_iters=max_iters, val_interval=800)
default_hooks = dict(checkpoint=dict(interval=8400))
