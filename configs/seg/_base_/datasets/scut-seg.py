_base_ = './common_512x512.py'
# normalisation: UNIP's thermal statistics (its configs/_base_/datasets), one
# value for the 3 identical channels; thermal configs set
# model.data_preprocessor to it
normalisation = dict(mean=[96.9255] * 3, std=[47.8976] * 3)
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
