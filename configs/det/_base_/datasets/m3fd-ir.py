# dataset settings: M3FD infrared, 6 classes, the converter's seeded 80/20 split
_base_ = './coco-style_1024.py'
normalisation = dict(mean=[96.9255] * 3, std=[47.8976] * 3)
data_root = 'data/M3FD_Detection/'
data_cfg = dict(
    data_root=data_root,
    metainfo=dict(
        classes=('People', 'Car', 'Bus', 'Motorcycle', 'Lamp', 'Truck')))
train_dataloader = dict(
    dataset=dict(data_cfg, ann_file='annotations_coco/ir_train.json'))
val_dataloader = dict(
    dataset=dict(data_cfg, ann_file='annotations_coco/ir_val.json'))
test_dataloader = val_dataloader
val_evaluator = dict(ann_file=data_root + 'annotations_coco/ir_val.json')
test_evaluator = val_evaluator
