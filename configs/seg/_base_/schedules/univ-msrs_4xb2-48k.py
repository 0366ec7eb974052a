# learning policy of the UNIV release's MSRS fine-tuning (fangyuanmao/UNIV
# SEG/MCMAE_SEG/configs/convmae/upernet_msrs.py over
# configs/_base_/schedules/schedule_48k.py, run by SEG/MCMAE_SEG/run_train.sh):
# 48k iterations, linear warm-up over 1500 iterations from lr x 1e-6, poly
# (power 1) to 0, mIoU and a checkpoint every 2400 iterations, 4 GPUs x 2
# images, seed 24 with deterministic mode (--seed 24 --deterministic; see
# randomness below).
#
# MMCV 1.x's poly policy counts from iteration 0 and its linear warm-up
# scales that poly value, so lr(t) = lr x (1 - t / T) x warm-up(t). Two
# chained MMEngine schedulers over iterations [0, T] give the same product
# (tests/test_segmentation/test_seg_configs.py compares it with the formula);
# MMEngine's end is exclusive, hence the + 1.
max_iters = 48000
warmup_iters = 1500
param_scheduler = [
    dict(
        type='LinearLR',
        start_factor=1e-6,
        by_epoch=False,
        begin=0,
        end=warmup_iters + 1),
    dict(
        type='PolyLR',
        eta_min=0.0,
        power=1.0,
        by_epoch=False,
        begin=0,
        end=max_iters + 1)
]
train_cfg = dict(
    type='IterBasedTrainLoop', max_iters=max_iters, val_interval=2400)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
default_hooks = dict(
    timer=dict(type='IterTimerHook'),
    logger=dict(type='LoggerHook', interval=50, log_metric_by_epoch=False),
    param_scheduler=dict(type='ParamSchedulerHook'),
    # MMEngine's CheckpointHook, but pruning only after the new save (every
    # seg schedule inherits this; the runtime base may not name hooks too)
    checkpoint=dict(
        type='univ_mm.SafeCheckpointHook', by_epoch=False, interval=2400),
    sampler_seed=dict(type='DistSamplerSeedHook'),
    visualization=dict(type='SegVisualizationHook'))
# seed 24. The release's --deterministic (MMCV 1.x) sets cuDNN's deterministic
# flags only; MMEngine's deterministic=True also calls
# torch.use_deterministic_algorithms(True), under which UperNet's bilinear
# upsampling has no CUDA backward, so it stays off here; the configs turn
# cuDNN's benchmark off instead (env_cfg, beside MMSeg's runtime).
randomness = dict(seed=24, deterministic=False)
# 4 GPUs x 2 images (the config's comment says 8 GPUs; run_train.sh starts
# 4). enable=True rescales the lr linearly for other total batches.
auto_scale_lr = dict(enable=False, base_batch_size=4 * 2)
