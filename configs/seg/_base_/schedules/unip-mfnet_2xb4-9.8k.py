_base_ = './univ-msrs_4xb2-48k.py'
# learning policy of UNIP's MFNet runs (casiatao/UNIP UNIP_segmentation/
# configs/fine_tuning/upernet_vit_base_12_512_slide_10k_mfnet.py and
# configs/linear_probing/linear_vit_base_12_512_slide_10k_mfnet.py, started by
# train_scripts/train_vit_base.sh): 9800 iterations, warm-up 1000, mIoU every
# 700, a checkpoint every 4900 (one kept), 2 GPUs x 4 images, seed 0 without
# deterministic mode
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
