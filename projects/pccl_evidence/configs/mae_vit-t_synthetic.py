# MAE pre-training (MMPretrain's MAE, MAEViT, MAEPretrainDecoder and
# MAEPretrainHead) of the evidence ViT (6 layers, 128 dims, patch 8) on the
# RGB images of the evidence world's pre-training pairs; `make evidence`
# (projects/pccl_evidence/run.py) points the data at its world. Shrunk to
# CPU minutes: 64 px crops (8 x 8 patches), a 2-block decoder and a short,
# high-lr schedule instead of MAE's 400+ epochs.
_base_ = [
    'mmpretrain::_base_/models/mae_vit-base-p16.py',
    'mmpretrain::_base_/default_runtime.py',
]

# model settings
crop = 64
embed_dims = 128
decoder = dict(embed_dim=embed_dims, decoder_embed_dim=64, decoder_depth=2,
               decoder_num_heads=4)
model = dict(
    data_preprocessor=dict(
        type='SelfSupDataPreprocessor', mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375], to_rgb=True),
    backbone=dict(arch=dict(_delete_=True, embed_dims=embed_dims,
                            num_layers=6, num_heads=4,
                            feedforward_channels=4 * embed_dims),
                  img_size=crop, patch_size=8),
    neck=dict(num_patches=(crop // 8)**2, patch_size=8, **decoder),
    head=dict(patch_size=8))

# dataset settings: the RGB images of the pre-training split (listed, one
# path a line, by the evidence tool), MAE's crop and flip
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='RandomResizedCrop', scale=crop, crop_ratio_range=(0.2, 1.0),
         backend='pillow', interpolation='bicubic'),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackInputs'),
]
train_dataloader = dict(
    batch_size=64,
    num_workers=0,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    collate_fn=dict(type='default_collate'),
    dataset=dict(type='CustomDataset', data_root='data/synthetic_mvip',
                 ann_file='splits/train_rgb.txt', with_label=False,
                 pipeline=train_pipeline))

# optimizer: MAE's AdamW, no decay on norms, biases and embeddings
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='AdamW', lr=1e-3, betas=(0.9, 0.95),
                   weight_decay=0.05),
    paramwise_cfg=dict(custom_keys={
        'ln': dict(decay_mult=0.0),
        'norm': dict(decay_mult=0.0),
        'bias': dict(decay_mult=0.0),
        'pos_embed': dict(decay_mult=0.0),
        'mask_token': dict(decay_mult=0.0),
        'cls_token': dict(decay_mult=0.0)}))

# learning policy: 1/10 linear warm-up, cosine to 0
max_iters = 600
warmup = max_iters // 10
param_scheduler = [
    dict(type='LinearLR', start_factor=1e-3, by_epoch=False, begin=0,
         end=warmup),
    dict(type='CosineAnnealingLR', eta_min=0., by_epoch=False, begin=warmup,
         end=max_iters),
]
train_cfg = dict(type='IterBasedTrainLoop', max_iters=max_iters)

# runtime
default_hooks = dict(
    logger=dict(type='LoggerHook', interval=max_iters // 10),
    checkpoint=dict(type='CheckpointHook', by_epoch=False,
                    interval=max_iters, max_keep_ckpts=1))
log_processor = dict(by_epoch=False)
log_level = 'WARNING'
