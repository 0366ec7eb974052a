# dataset settings of the RGB-T detection benchmarks: coco-style_1024.py's LSJ on fused 6-channel images (annotations_coco/rgbt_*.json)
_base_ = './coco-style_1024.py'
rgbt_loading = dict(type='univ_mm.LoadRGBTImages', backend_args=None)
train_pipeline = [rgbt_loading, *_base_.train_pipeline[1:]]
test_pipeline = [
    rgbt_loading, *_base_.test_pipeline[1:-1],
    dict(
        type='PackDetInputs',
        meta_keys=('img_id', 'img_path', 'ir_path', 'ori_shape', 'img_shape',
                   'scale_factor'))
]
dataset_type = 'univ_mm.RGBTCocoDataset'
train_dataloader = dict(
    dataset=dict(type=dataset_type, pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(type=dataset_type, pipeline=test_pipeline))
test_dataloader = val_dataloader
