# dataset settings of the RGB-T benchmarks: common_512x512.py's pipelines on fused 6-channel images, photometric distortion on RGB only
_base_ = './common_512x512.py'
rgbt_loading = dict(type='univ_mm.LoadRGBTImages')
train_pipeline = [
    rgbt_loading, *_base_.train_pipeline[1:-2],
    dict(
        type='univ_mm.PerModality',
        modality='rgb',
        transforms=[_base_.train_pipeline[-2]]), _base_.train_pipeline[-1]
]
test_pipeline = [rgbt_loading, *_base_.test_pipeline[1:]]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = val_dataloader
