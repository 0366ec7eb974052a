# dataset settings: MVIP, 98,992 aligned RGB-IR pairs in five sources
dataset_type = 'MVIPDataset'
data_root = 'data/MVIP'
train_pipeline = [
    # IR stays one channel through the augmentation; the data preprocessor
    # broadcasts it to 3 identical channels when it normalises. decode='crop'
    # reads bytes and headers here; the crop decodes only what its box needs
    # (JPEGs: the rows and columns around it, at 1/2, 1/4, 1/8 while the box
    # stays >= 224 px), fast_jpeg with
    # libjpeg-turbo's fast IDCT and chroma upsampling (README, Performance).
    # For decoding on the GPU: decode='device' without fast_jpeg, and
    # model.data_preprocessor.decode_on_device=True
    dict(
        type='LoadPairedImages',
        ir_color_type='grayscale',
        decode='crop',
        fast_jpeg=True),
    # one crop box (side 40-100 %, aspect kept) and one flip for both images
    dict(type='PairedRandomResizedCrop', scale=224, side_range=(0.4, 1.0)),
    dict(type='PairedRandomFlip', prob=0.5, direction='horizontal'),
    dict(type='PackPairedInputs'),
]
# 64 pairs of each source (evenly spaced) are held out of training and
# validate patch alignment (PatchRetrievalMetric): 320 of the 98,992 pairs
held_out_per_source = 64
train_dataloader = dict(
    batch_size=32,
    num_workers=8,
    persistent_workers=True,
    pin_memory=True,
    # every batch full: a short last batch (e.g. 14 pairs) would make
    # torch.compile recompile, and it trains on fewer pairs per step
    drop_last=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    collate_fn=dict(type='default_collate'),
    dataset=dict(
        type=dataset_type, data_root=data_root, hold_out=held_out_per_source,
        pipeline=train_pipeline),
)

# validation: IR->RGB patch retrieval and aligned vs other cosines on the
# whole image of each held-out pair, resized (a crop box of side 100 % is
# the whole image; no flip)
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
