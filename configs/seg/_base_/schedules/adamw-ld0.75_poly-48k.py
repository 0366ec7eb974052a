# optimizer: AdamW, lr 1e-4, weight decay 0.05 (none on norms, biases and
# the position/class embeddings), fp16 AMP (on CPU use --cfg-options
# optim_wrapper.type=OptimWrapper). Layer-wise lr decay 0.75 with
# mmpretrain's depth rule (embeddings 0, block i at i + 1, everything after
# the blocks at 13 with lr x 1): depth d gets lr x 0.75 ** (13 - d).
optim_wrapper = dict(
    type='AmpOptimWrapper',
    optimizer=dict(
        type='AdamW', lr=1e-4, betas=(0.9, 0.999), weight_decay=0.05),
    constructor='univ_mm.LayerDecayOptimWrapperConstructor',
    paramwise_cfg=dict(
        layer_decay_rate=0.75,
        norm_decay_mult=0.0,
        bias_decay_mult=0.0,
        custom_keys={
            '.cls_token': dict(decay_mult=0.0),
            '.pos_embed': dict(decay_mult=0.0),
        }))
# learning policy: 1500 linear warm-up iterations, then poly (power 1)
max_iters = 48000
warmup_iters = 1500
param_scheduler = [
    dict(
        type='LinearLR',
        start_factor=1e-6,
        by_epoch=False,
        begin=0,
        end=warmup_iters),
    dict(
        type='PolyLR',
        eta_min=0.0,
        power=1.0,
        by_epoch=False,
        begin=warmup_iters,
        end=max_iters)
]
train_cfg = dict(
    type='IterBasedTrainLoop', max_iters=max_iters, val_interval=4000)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
default_hooks = dict(
    timer=dict(type='IterTimerHook'),
    logger=dict(type='LoggerHook', interval=50, log_metric_by_epoch=False),
    param_scheduler=dict(type='ParamSchedulerHook'),
    checkpoint=dict(type='CheckpointHook', by_epoch=False, interval=4000),
    sampler_seed=dict(type='DistSamplerSeedHook'),
    visualization=dict(type='SegVisualizationHook'))
# 8 GPUs x 2 images; enable=True rescales lr for other batch sizes
auto_scale_lr = dict(enable=False, base_batch_size=8 * 2)
