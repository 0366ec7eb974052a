# dataset settings shared by the detection benchmarks: COCO JSON written by
# tools/dataset_converters/{flir,m3fd,llvip}.py (file names relative to the
# dataset root), infrared decoded as 3 identical channels. Training uses
# ViTDet's large-scale jitter as PAD runs it (casiatao/PAD detection/projects/
# ViTDet/configs/FLIR/mask_rcnn_vitdet_b_12ep_step.py over detectron2's
# projects/ViTDet/configs/common/coco_loader_lsj.py): flip, rescale to fit
# 1024 x 1024 times a ratio drawn from [0.1, 2.0], random 1024 x 1024 crop
# (no padding here: the data preprocessor pads to 1024 x 1024). Testing
# resizes to fit 1024 x 1024 (ResizeShortestEdge(1024, max_size=1024)).
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
