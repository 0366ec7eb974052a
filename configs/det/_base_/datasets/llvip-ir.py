# LLVIP infrared, person: 12,025 train / 3,463 test images (split by folder)
#   tools/dataset_converters/llvip.py data/LLVIP
_base_ = './coco-style_1024.py'
data_root = 'data/LLVIP/'
data_cfg = dict(data_root=data_root, metainfo=dict(classes=('person', )))
train_dataloader = dict(
    dataset=dict(data_cfg, ann_file='annotations_coco/ir_train.json'))
val_dataloader = dict(
    dataset=dict(data_cfg, ann_file='annotations_coco/ir_test.json'))
test_dataloader = val_dataloader
val_evaluator = dict(ann_file=data_root + 'annotations_coco/ir_test.json')
test_evaluator = val_evaluator
