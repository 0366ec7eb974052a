# dataset settings: the labelled synthetic world, infrared, 112 px (demo, not a benchmark)
_base_ = './common_512x512.py'
crop_size = (112, 112)
normalisation = dict(mean=[136.12] * 3, std=[64.23] * 3)
dataset_type = 'univ_mm.SyntheticSegDataset'
data_root = 'data/synthetic_downstream/ir'
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations', reduce_zero_label=False),
    dict(type='RandomResize', scale=(140, 112), ratio_range=(0.8, 1.25),
         keep_ratio=True),
    dict(type='RandomCrop', crop_size=crop_size),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackSegInputs')
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=(140, 112), keep_ratio=True),
    dict(type='LoadAnnotations', reduce_zero_label=False),
    dict(type='PackSegInputs')
]
loader = dict(num_workers=0, persistent_workers=False)
train_dataloader = dict(
    batch_size=8, **loader,
    dataset=dict(type=dataset_type, data_root=data_root,
                 pipeline=train_pipeline))
val_dataloader = dict(
    **loader,
    dataset=dict(type=dataset_type, data_root=data_root,
                 pipeline=test_pipeline))
test_dataloader = val_dataloader
