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

# validation: PatchRetrievalMetric (IR->RGB patch retrieval, aligned vs
# other cosines) on the whole image of each pair, resized (a crop box of
# side 100 % is the whole image; no flip)
val_pipeline = [
    dict(type='LoadPairedImages', ir_color_type='grayscale'),
    dict(type='PairedRandomResizedCrop', scale=224, side_range=(1.0, 1.0)),
    dict(type='PackPairedInputs'),
]
# MVIP ships one training folder. By default the first 64 pairs of each
# source are validated: a fixed monitoring subset that is also trained on.
# For strictly held-out pairs, list them in a pair file and the rest in
# another (MVIPDataset `ann_file`, "rgb_relpath ir_relpath" per line) and
# point train_dataloader.dataset.ann_file and the val dataset at them.
mvip_sources = ['FLIR-ALIGN', 'KAIST_MMSEG', 'LasHeR0428_rename', 'LLVIP',
                'VisDrone']
val_dataloader = dict(
    batch_size=32,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    collate_fn=dict(type='default_collate'),
    dataset=dict(
        type='ConcatDataset',
        datasets=[
            dict(type=dataset_type, data_root=data_root, sources=[source],
                 indices=64, check_images='none', test_mode=True,
                 pipeline=val_pipeline) for source in mvip_sources
        ]),
)
val_evaluator = dict(type='PatchRetrievalMetric')
