# FLIR-aligned RGB (the aligned subset of FLIR ADAS v1, stems with an RGB
# image), 3 classes: tools/dataset_converters/flir.py aligned data/FLIR_aligned
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
