# dataset settings: M3FD visible, the same images and boxes as m3fd-ir.py
_base_ = './m3fd-ir.py'
train_dataloader = dict(
    dataset=dict(ann_file='annotations_coco/rgb_train.json'))
val_dataloader = dict(dataset=dict(ann_file='annotations_coco/rgb_val.json'))
test_dataloader = val_dataloader
val_evaluator = dict(
    ann_file=_base_.data_root + 'annotations_coco/rgb_val.json')
test_evaluator = val_evaluator
