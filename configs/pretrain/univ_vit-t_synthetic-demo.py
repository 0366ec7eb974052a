# CPU demo (`make demo`): ViT-T/16, synthetic pairs, random teacher; not a benchmark
_base_ = [
    '../_base_/models/univ_vit-b.py',
    '../_base_/datasets/mvip.py',
    '../_base_/default_runtime.py',
]

# model settings
img_size = 112
model = dict(
    backbone=dict(arch='deit-t', img_size=img_size),
    teacher=dict(arch='deit-t', img_size=img_size, init_cfg=None),
)

# dataset settings
data_root = 'data/synthetic_mvip'
train_pipeline = [
    dict(type='LoadPairedImages', ir_color_type='grayscale'),
    dict(type='PairedRandomResizedCrop', scale=img_size,
         side_range=(0.4, 1.0)),
    dict(type='PairedRandomFlip', prob=0.5, direction='horizontal'),
    dict(type='PackPairedInputs'),
]
train_dataloader = dict(
    batch_size=16,
    num_workers=1,
    pin_memory=False,
    dataset=dict(
        data_root=data_root,
        sources=['SYNTH_DAY', 'SYNTH_NIGHT'],
        ann_file='splits/train.txt',
        hold_out=0,
        pipeline=train_pipeline),
)
val_pipeline = [
    dict(type='LoadPairedImages', ir_color_type='grayscale'),
    dict(type='PairedRandomResizedCrop', scale=img_size,
         side_range=(1.0, 1.0)),
    dict(type='PackPairedInputs'),
]
val_dataloader = dict(
    batch_size=16,
    num_workers=0,
    persistent_workers=False,
    dataset=dict(
        _delete_=True,
        type='MVIPDataset',
        data_root=data_root,
        ann_file='splits/val.txt',
        test_mode=True,
        pipeline=val_pipeline),
)

# optimizer: fp32 on CPU, a demo-sized lr
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='AdamW', lr=1e-3, weight_decay=0.05),
    clip_grad=dict(max_norm=3.0),
    paramwise_cfg=dict(norm_decay_mult=0.0, bias_decay_mult=0.0),
)

# learning policy
max_iters = 160
param_scheduler = [
    dict(type='LinearLR', start_factor=1e-3, by_epoch=False, begin=0,
         end=20),
    dict(type='CosineAnnealingLR', eta_min=1e-5, by_epoch=False, begin=20,
         end=max_iters, T_max=max_iters - 20),
]
train_cfg = dict(type='IterBasedTrainLoop', max_iters=max_iters,
                 val_interval=80)
val_cfg = dict(type='ValLoop')

# runtime
default_hooks = dict(
    logger=dict(interval=2, log_metric_by_epoch=False),
    checkpoint=dict(by_epoch=False, interval=80, max_keep_ckpts=2),
)
log_processor = dict(by_epoch=False)
env_cfg = dict(dist_cfg=dict(backend='gloo'))
