# optimizer: PAD's FLIR detection (casiatao/PAD .../FLIR/mask_rcnn_vitdet_b_12ep_step.py), layer decay 0.7
optim_wrapper = dict(
    type='AmpOptimWrapper',
    optimizer=dict(
        type='AdamW', lr=1e-4, betas=(0.9, 0.999), weight_decay=0.1),
    constructor='univ_mm.LayerDecayOptimWrapperConstructor',
    paramwise_cfg=dict(
        layer_decay_rate=0.7,
        custom_keys={
            '.ln1': dict(decay_mult=0.0),
            '.ln2': dict(decay_mult=0.0),
            '.pos_embed': dict(decay_mult=0.0),
        }))
# learning policy: 53,172 iterations (12 FLIR epochs), lr x 0.1 at epochs 8 and 11
max_iters = 53172
param_scheduler = [
    dict(
        type='LinearLR', start_factor=0.001, by_epoch=False, begin=0,
        end=250 + 1),
    dict(
        type='MultiStepLR',
        by_epoch=False,
        begin=0,
        end=max_iters,
        milestones=[35448, 48741],
        gamma=0.1),
]
train_cfg = dict(
    type='IterBasedTrainLoop', max_iters=max_iters, val_interval=1000)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
randomness = dict(seed=42, diff_rank_seed=True)
auto_scale_lr = dict(enable=False, base_batch_size=1 * 2)
