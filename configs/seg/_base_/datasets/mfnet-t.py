# dataset settings: MFNet thermal (UNIP's MFNet-T), UNIP's thermal normalisation
_base_ = './common_512x512.py'
normalisation = dict(mean=[96.9255] * 3, std=[47.8976] * 3)
dataset_type = 'univ_mm.MFNetDataset'
data_root = 'data/mfnet/ir'
val_split = dict(
    type=dataset_type,
    data_prefix=dict(img_path='img_dir/val', seg_map_path='ann_dir/val'),
    pipeline=_base_.test_pipeline)
test_split = dict(
    val_split,
    data_prefix=dict(img_path='img_dir/test', seg_map_path='ann_dir/test'))
train_dataloader = dict(dataset=dict(type=dataset_type, data_root=data_root))
val_dataloader = dict(
    dataset=dict(
        _delete_=True,
        type='ConcatDataset',
        datasets=[
            dict(val_split, data_root=data_root),
            dict(test_split, data_root=data_root)
        ]))
test_dataloader = dict(dataset=dict(type=dataset_type, data_root=data_root))
