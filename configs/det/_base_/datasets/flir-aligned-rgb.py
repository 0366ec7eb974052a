# dataset settings: FLIR-aligned RGB, 3 classes
_base_ = './coco-style_1024.py'
data_root = 'data/FLIR_aligned/'
data_cfg = dict(
    data_root=data_root, metainfo=dict(classes=('person', 'bicycle', 'car')))
train_dataloader = dict(
    dataset=dict(data_cfg, ann_file='annotations_coco/rgb_train.json'))
val_dataloader = dict(
    dataset=dict(data_cfg, ann_file='annotations_coco/rgb_val.json'))
test_dataloader = val_dataloader
val_evaluator = dict(ann_file=data_root + 'annotations_coco/rgb_val.json')
test_evaluator = val_evaluator
