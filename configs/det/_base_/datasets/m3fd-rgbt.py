# dataset settings: M3FD RGB-T (visible + infrared), 6 classes, the converter's seeded 80/20 split, ImageNet RGB and UNIP thermal normalisation
_base_ = './coco-style-rgbt_1024.py'
normalisation = dict(
    rgb_mean=[123.675, 116.28, 103.53],
    rgb_std=[58.395, 57.12, 57.375],
    ir_mean=[96.9255] * 3,
    ir_std=[47.8976] * 3)
data_root = 'data/M3FD_Detection/'
data_cfg = dict(
    data_root=data_root,
    metainfo=dict(
        classes=('People', 'Car', 'Bus', 'Motorcycle', 'Lamp', 'Truck')))
train_dataloader = dict(
    dataset=dict(data_cfg, ann_file='annotations_coco/rgbt_train.json'))
val_dataloader = dict(
    dataset=dict(data_cfg, ann_file='annotations_coco/rgbt_val.json'))
test_dataloader = val_dataloader
val_evaluator = dict(ann_file=data_root + 'annotations_coco/rgbt_val.json')
test_evaluator = val_evaluator
