# optimizer: AdamW, lr 1e-4 per 16 images, weight decay 0.1 (none on norms,
# biases and the position/class embeddings), fp16 AMP (on CPU use
# --cfg-options optim_wrapper.type=OptimWrapper). Layer-wise lr decay 0.7
# (ViTDet; PAD's detection protocol) with mmpretrain's depth rule through the
# detector's backbone: embeddings 0, block i at i + 1, everything after the
# blocks (final norm, neck, heads) at 13 with lr x 1, so depth d trains at
# lr x 0.7 ** (13 - d).
_base_ = 'mmdet::_base_/schedules/schedule_1x.py'
num_gpus, batch_per_gpu = 8, 2
optim_wrapper = dict(
    _delete_=True,
    type='AmpOptimWrapper',
    optimizer=dict(type='AdamW', lr=1e-4, betas=(0.9, 0.999),
                   weight_decay=0.1),
    constructor='univ_mm.LayerDecayOptimWrapperConstructor',
    paramwise_cfg=dict(
        layer_decay_rate=0.7,
        norm_decay_mult=0.0,
        bias_decay_mult=0.0,
        custom_keys={
            '.cls_token': dict(decay_mult=0.0),
            '.pos_embed': dict(decay_mult=0.0),
        }))
# other GPU counts or batch sizes rescale the lr linearly
auto_scale_lr = dict(enable=True, base_batch_size=num_gpus * batch_per_gpu)

# learning policy: 12 epochs, 250 warm-up iterations, lr x0.1 at 8 and 11
param_scheduler = [
    dict(
        type='LinearLR', start_factor=0.001, by_epoch=False, begin=0,
        end=250),
    dict(
        type='MultiStepLR',
        begin=0,
        end=12,
        by_epoch=True,
        milestones=[8, 11],
        gamma=0.1),
]
