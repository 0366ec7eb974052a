# optimizer: AdamW, lr 1.5e-4 per 256 pairs, fp16 AMP, clip 3.0 (folded into the fused step)
num_gpus, batch_per_gpu = 8, 32
base_lr = 1.5e-4
optim_wrapper = dict(
    type='FusedClipAmpOptimWrapper',
    constructor='MergedGroupsOptimWrapperConstructor',
    dtype='float16',
    loss_scale='dynamic',
    optimizer=dict(
        type='AdamW',
        lr=base_lr * num_gpus * batch_per_gpu / 256,
        weight_decay=0.05,
        fused=True),
    clip_grad=dict(max_norm=3.0),
    paramwise_cfg=dict(norm_decay_mult=0.0, bias_decay_mult=0.0),
)
auto_scale_lr = dict(enable=True, base_batch_size=num_gpus * batch_per_gpu)

# learning policy: 40 warm-up epochs, cosine to epoch 400; weight decay 0.05 -> 0.5
max_epochs, warmup_epochs = 400, 40
param_scheduler = [
    dict(type='LinearLR', start_factor=1e-4, by_epoch=True, begin=0,
         end=warmup_epochs, convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', eta_min=1e-6, by_epoch=True,
         begin=warmup_epochs, end=max_epochs,
         T_max=max_epochs - warmup_epochs, convert_to_iter_based=True),
    dict(type='CosineAnnealingParamScheduler', param_name='weight_decay',
         eta_min_ratio=10.0, by_epoch=True, begin=0, end=max_epochs,
         T_max=max_epochs, convert_to_iter_based=True),
]
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=max_epochs,
                 val_interval=10)
val_cfg = dict(type='ValLoop')
