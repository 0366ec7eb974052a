# dataset settings: MVIP, 98,992 aligned RGB-IR pairs in five sources
dataset_type = 'MVIPDataset'
data_root = 'data/MVIP'
train_pipeline = [
    # IR stays one channel through the augmentation; the data preprocessor
    # broadcasts it to 3 identical channels when it normalises
    dict(type='LoadPairedImages', ir_color_type='grayscale'),
    # one crop box (side 40-100 %, aspect kept) and one flip for both images
    dict(type='PairedRandomResizedCrop', scale=224, side_range=(0.4, 1.0)),
    dict(type='PairedRandomFlip', prob=0.5, direction='horizontal'),
    dict(type='PackPairedInputs'),
]
train_dataloader = dict(
    batch_size=32,
    num_workers=8,
    persistent_workers=True,
    pin_memory=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    collate_fn=dict(type='default_collate'),
    dataset=dict(
        type=dataset_type, data_root=data_root, pipeline=train_pipeline),
)
