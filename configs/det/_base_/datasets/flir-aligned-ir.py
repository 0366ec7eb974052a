# dataset settings: FLIR-aligned thermal (the images of flir-aligned-rgb.py), 3 classes
_base_ = './coco-style_1024.py'
normalisation = dict(mean=[96.9255] * 3, std=[47.8976] * 3)
data_root = 'data/FLIR_aligned/'
data_cfg = dict(
    data_root=data_root, metainfo=dict(classes=('person', 'bicycle', 'car')))
train_dataloader = dict(
    dataset=dict(data_cfg, ann_file='annotations_coco/ir_train.json'))
val_dataloader = dict(
    dataset=dict(data_cfg, ann_file='annotations_coco/ir_val.json'))
test_dataloader = val_dataloader
val_evaluator = dict(ann_file=data_root + 'annotations_coco/ir_val.json')
test_evaluator = val_evaluator
