# dataset settings: MFNet RGB-T (both roots of tools/dataset_converters/mfnet.py), ImageNet RGB and UNIP thermal normalisation
_base_ = './rgbt_512x512.py'
normalisation = dict(
    rgb_mean=[123.675, 116.28, 103.53],
    rgb_std=[58.395, 57.12, 57.375],
    ir_mean=[96.9255] * 3,
    ir_std=[47.8976] * 3)
dataset_type = 'univ_mm.MFNetRGBTDataset'
data_root = 'data/mfnet'
train_split = dict(
    type=dataset_type,
    data_root=data_root,
    data_prefix=dict(
        img_path='rgb/img_dir/train',
        ir_path='ir/img_dir/train',
        seg_map_path='ir/ann_dir/train'))
val_split = dict(
    type=dataset_type,
    data_root=data_root,
    data_prefix=dict(
        img_path='rgb/img_dir/val',
        ir_path='ir/img_dir/val',
        seg_map_path='ir/ann_dir/val'),
    pipeline=_base_.test_pipeline)
test_split = dict(
    val_split,
    data_prefix=dict(
        img_path='rgb/img_dir/test',
        ir_path='ir/img_dir/test',
        seg_map_path='ir/ann_dir/test'))
train_dataloader = dict(dataset=train_split)
val_dataloader = dict(
    dataset=dict(
        _delete_=True, type='ConcatDataset', datasets=[val_split, test_split]))
test_dataloader = dict(dataset=test_split)
