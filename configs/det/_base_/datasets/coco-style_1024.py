# dataset settings shared by the detection benchmarks: COCO JSON written by
# tools/dataset_converters/{flir,m3fd,llvip}.py (file names relative to the
# dataset root), images resized to fit 1024 x 1024 (infrared decoded as 3
# identical channels). Large-scale jitter (ViTDet) is the ratio range of
# RandomResize; the crop after it only acts when an image exceeds 1024:
#   --cfg-options "train_dataloader.dataset.pipeline.2.ratio_range=(0.1,2.0)"
_base_ = 'mmdet::_base_/datasets/coco_detection.py'
image_size = (1024, 1024)
train_pipeline = [
    dict(type='LoadImageFromFile', backend_args=None),
    dict(type='LoadAnnotations', with_bbox=True),
    dict(
        type='RandomResize',
        scale=image_size,
        ratio_range=(1.0, 1.0),
        keep_ratio=True),
    dict(
        type='RandomCrop',
        crop_type='absolute_range',
        crop_size=image_size,
        recompute_bbox=True,
        allow_negative_crop=True),
    dict(type='FilterAnnotations', min_gt_bbox_wh=(1e-2, 1e-2)),
    dict(type='RandomFlip', prob=0.5),
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
# CocoDataset that checks every image (readable, complete, the size its
# record states) when it is built, not mid-epoch
dataset_type = 'univ_mm.CheckedCocoDataset'
train_dataloader = dict(
    dataset=dict(
        type=dataset_type, data_prefix=dict(img=''),
        pipeline=train_pipeline))
val_dataloader = dict(
    dataset=dict(
        type=dataset_type, data_prefix=dict(img=''), pipeline=test_pipeline))
test_dataloader = val_dataloader
# COCO AP, AP50, AP75, AP by size and per class
val_evaluator = dict(classwise=True)
test_evaluator = val_evaluator
