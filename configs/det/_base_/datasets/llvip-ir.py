# LLVIP infrared, person: 12,025 train / 3,463 test images (split by folder)
#   tools/dataset_converters/llvip.py data/LLVIP
_base_ = './coco-style_1024.py'
# normalisation: PAD's thermal statistics (its FLIR config's pixel_mean /
# pixel_std), one value for the 3 identical channels; the infrared configs
# set model.data_preprocessor to it
normalisation = dict(mean=[96.9255] * 3, std=[47.8976] * 3)
data_root = 'data/LLVIP/'
data_cfg = dict(data_root=data_root, metainfo=dict(classes=('person', )))
train_dataloader = dict(
    dataset=dict(data_cfg, ann_file='annotations_coco/ir_train.json'))
val_dataloader = dict(
    dataset=dict(data_cfg, ann_file='annotations_coco/ir_test.json'))
test_dataloader = val_dataloader
val_evaluator = dict(ann_file=data_root + 'annotations_coco/ir_test.json')
test_evaluator = val_evaluator
