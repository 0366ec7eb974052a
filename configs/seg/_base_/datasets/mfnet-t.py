_base_ = './common_512x512.py'
# normalisation: UNIP's thermal statistics (its configs/_base_/datasets), one
# value for the 3 identical channels; thermal configs set
# model.data_preprocessor to it
normalisation = dict(mean=[96.9255] * 3, std=[47.8976] * 3)
# MFNet, thermal channel (UNIP's MFNet-T): train 784, val 392, test 393
# scenes, written by tools/dataset_converters/mfnet.py. As in UNIP and PAD
# (casiatao/UNIP UNIP_segmentation/configs/_base_/datasets/mfnet.py), the mIoU
# logged during training is on val + test (their val_test.txt, not in the
# release: taken to be val.txt followed by test.txt) and tools/test.py scores
# the test split.
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
