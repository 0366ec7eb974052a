# dataset settings shared by the detection benchmarks: PAD's ViTDet LSJ at 1024 (casiatao/PAD)
_base_ = 'mmdet::_base_/datasets/coco_detection.py'
image_size = (1024, 1024)
train_pipeline = [
    dict(type='LoadImageFromFile', backend_args=None),
    dict(type='LoadAnnotations', with_bbox=True),
    dict(type='RandomFlip', prob=0.5),
    dict(
        type='RandomResize',
        scale=image_size,
        ratio_range=(0.1, 2.0),
        keep_ratio=True),
    dict(
        type='RandomCrop',
        crop_type='absolute_range',
        crop_size=image_size,
        recompute_bbox=False,
        allow_negative_crop=True),
    dict(type='FilterAnnotations', min_gt_bbox_wh=(1e-2, 1e-2)),
    dict(type='PackDetInputs'),
]
test_pipeline = [
    dict(type='LoadImageFromFile', backend_args=None),
    dict(type='Resize', scale=image_size, keep_ratio=True),
    dict(type='LoadAnnotations', with_bbox=True),
    dict(
        type='PackDetInputs',
        meta_keys=('img_id', 'img_path', 'ori_shape', 'img_shape',
                   'scale_factor')),
]
dataset_type = 'univ_mm.CheckedCocoDataset'
train_dataloader = dict(
    dataset=dict(
        type=dataset_type, data_prefix=dict(img=''),
        pipeline=train_pipeline))
val_dataloader = dict(
    dataset=dict(
        type=dataset_type, data_prefix=dict(img=''), pipeline=test_pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(classwise=True)
test_evaluator = val_evaluator
