# CPU demo, step 3 of `make demo-downstream`: Faster R-CNN on the demo export; not a benchmark
_base_ = [
    './_base_/models/faster-rcnn_vit-b-p16-sfp.py',
    './_base_/datasets/synthetic-ir.py',
    './_base_/default_runtime.py',
]
model = dict(
    data_preprocessor=dict(**_base_.normalisation, pad_size_divisor=64),
    backbone=dict(
        arch='deit-t', img_size=112, drop_path_rate=0.0,
        init_cfg=dict(checkpoint='work_dirs/demo/univ_backbone_iter_160.pth')),
    neck=dict(in_channels=192, out_channels=64),
    rpn_head=dict(in_channels=64, feat_channels=64),
    roi_head=dict(
        bbox_roi_extractor=dict(out_channels=64),
        bbox_head=dict(in_channels=64, conv_out_channels=64,
                       fc_out_channels=256, num_classes=4)),
    train_cfg=dict(rpn_proposal=dict(max_per_img=300),
                   rcnn=dict(sampler=dict(num=64))),
    test_cfg=dict(rpn=dict(max_per_img=100), rcnn=dict(max_per_img=50)))
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='AdamW', lr=2e-4, weight_decay=0.1),
    paramwise_cfg=dict(custom_keys={'backbone': dict(lr_mult=0.5)}))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, by_epoch=False, begin=0,
         end=30),
    dict(type='CosineAnnealingLR', by_epoch=False, begin=30, end=300)]
train_cfg = dict(type='IterBasedTrainLoop', max_iters=300, val_interval=300)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
default_hooks = dict(
    logger=dict(type='LoggerHook', interval=25),
    checkpoint=dict(by_epoch=False, interval=300, max_keep_ckpts=1))
log_processor = dict(by_epoch=False)
randomness = dict(seed=0)
