# dataset settings: SCUT-Seg, UNIP's thermal normalisation
_base_ = './common_512x512.py'
normalisation = dict(mean=[96.9255] * 3, std=[47.8976] * 3)
dataset_type = 'univ_mm.SCUTSegDataset'
data_root = 'data/scut_seg'
train_dataloader = dict(dataset=dict(type=dataset_type, data_root=data_root))
val_dataloader = dict(
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        data_prefix=dict(img_path='img_dir/val', seg_map_path='ann_dir/val')))
test_dataloader = val_dataloader
