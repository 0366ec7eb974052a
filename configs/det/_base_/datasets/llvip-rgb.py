# dataset settings: LLVIP visible, the same images and boxes as llvip-ir.py
_base_ = './llvip-ir.py'
train_dataloader = dict(
    dataset=dict(ann_file='annotations_coco/rgb_train.json'))
val_dataloader = dict(dataset=dict(ann_file='annotations_coco/rgb_test.json'))
test_dataloader = val_dataloader
val_evaluator = dict(
    ann_file=_base_.data_root + 'annotations_coco/rgb_test.json')
test_evaluator = val_evaluator
