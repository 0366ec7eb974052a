# dataset settings: the labelled synthetic world, infrared, 160 x 128 (demo, not a benchmark)
normalisation = dict(mean=[136.12] * 3, std=[64.23] * 3)
image_size = (160, 128)
data_root = 'data/synthetic_downstream/'
data_cfg = dict(
    type='univ_mm.CheckedCocoDataset', data_root=data_root,
    data_prefix=dict(img=''),
    metainfo=dict(classes=('building', 'tree', 'person', 'car')))
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations', with_bbox=True),
    dict(type='RandomResize', scale=image_size, ratio_range=(0.8, 1.25),
         keep_ratio=True),
    dict(type='RandomFlip', prob=0.5),
    dict(type='FilterAnnotations', min_gt_bbox_wh=(1e-2, 1e-2)),
    dict(type='PackDetInputs'),
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=image_size, keep_ratio=True),
    dict(type='LoadAnnotations', with_bbox=True),
    dict(type='PackDetInputs',
         meta_keys=('img_id', 'img_path', 'ori_shape', 'img_shape',
                    'scale_factor')),
]
train_dataloader = dict(
    batch_size=4,
    num_workers=0,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    batch_sampler=dict(type='AspectRatioBatchSampler'),
    dataset=dict(data_cfg, ann_file='annotations_coco/ir_train.json',
                 filter_cfg=dict(filter_empty_gt=True, min_size=4),
                 pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=1,
    num_workers=0,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(data_cfg, ann_file='annotations_coco/ir_test.json',
                 test_mode=True, pipeline=test_pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(type='CocoMetric',
                     ann_file=data_root + 'annotations_coco/ir_test.json',
                     metric='bbox', classwise=True)
test_evaluator = val_evaluator
