_base_ = './common_512x512.py'
# SCUT-Seg (raw ids remapped to 0..9), written by
# tools/dataset_converters/scut_seg.py; its val list is the test set
dataset_type = 'univ_mm.SCUTSegDataset'
data_root = 'data/scut_seg'
train_dataloader = dict(dataset=dict(type=dataset_type, data_root=data_root))
val_dataloader = dict(
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        data_prefix=dict(img_path='img_dir/val', seg_map_path='ann_dir/val')))
test_dataloader = val_dataloader
