# dataset settings: MVIP, 98,992 aligned RGB-IR pairs, 64 per source held out for validation
dataset_type = 'MVIPDataset'
data_root = 'data/MVIP'
train_pipeline = [
    dict(
        type='LoadPairedImages',
        ir_color_type='grayscale',
        decode='crop',
        fast_jpeg=True),
    dict(type='PairedRandomResizedCrop', scale=224, side_range=(0.4, 1.0)),
    dict(type='PairedRandomFlip', prob=0.5, direction='horizontal'),
    dict(type='PackPairedInputs'),
]
held_out_per_source = 64
train_dataloader = dict(
    batch_size=32,
    num_workers=8,
    persistent_workers=True,
    pin_memory=True,
    drop_last=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    collate_fn=dict(type='default_collate'),
    dataset=dict(
        type=dataset_type, data_root=data_root, hold_out=held_out_per_source,
        pipeline=train_pipeline),
)

val_pipeline = [
    dict(type='LoadPairedImages', ir_color_type='grayscale', decode='crop'),
    dict(type='PairedRandomResizedCrop', scale=224, side_range=(1.0, 1.0)),
    dict(type='PackPairedInputs'),
]
val_dataloader = dict(
    batch_size=32,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    collate_fn=dict(type='default_collate'),
    dataset=dict(
        type=dataset_type, data_root=data_root, hold_out=held_out_per_source,
        held_out_only=True, test_mode=True, pipeline=val_pipeline),
)
val_evaluator = dict(type='PatchRetrievalMetric')
