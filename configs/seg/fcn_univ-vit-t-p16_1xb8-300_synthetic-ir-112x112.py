# CPU demo, step 2 of `make demo-downstream`: FCN on the demo export; not a benchmark
_base_ = ['./_base_/default_runtime.py', './_base_/datasets/synthetic-ir.py']
model = dict(
    type='EncoderDecoder',
    data_preprocessor=dict(
        type='SegDataPreProcessor', **_base_.normalisation, bgr_to_rgb=True,
        pad_val=0, seg_pad_val=255, size=_base_.crop_size),
    backbone=dict(
        type='univ_mm.UNIVVisionTransformer',
        arch='deit-t',
        img_size=_base_.crop_size,
        patch_size=16,
        out_type='featmap',
        out_indices=(3, 5, 7, 11),
        final_norm=False,
        init_cfg=dict(
            type='Pretrained',
            checkpoint='work_dirs/demo/univ_backbone_iter_160.pth')),
    decode_head=dict(
        type='FCNHead',
        in_channels=[192] * 4,
        in_index=[0, 1, 2, 3],
        input_transform='resize_concat',
        channels=192,
        num_convs=1,
        concat_input=False,
        dropout_ratio=0.0,
        num_classes=6,
        norm_cfg=dict(type='BN', requires_grad=True),
        align_corners=False),
    test_cfg=dict(mode='whole'))
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='AdamW', lr=1e-3, weight_decay=0.05),
    paramwise_cfg=dict(custom_keys={'backbone': dict(lr_mult=0.1)}))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, by_epoch=False, begin=0, end=30),
    dict(type='CosineAnnealingLR', by_epoch=False, begin=30, end=300)]
train_cfg = dict(type='IterBasedTrainLoop', max_iters=300, val_interval=300)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
default_hooks = dict(
    logger=dict(type='LoggerHook', interval=25, log_metric_by_epoch=False),
    checkpoint=dict(type='univ_mm.SafeCheckpointHook', by_epoch=False,
                    interval=300))
log_processor = dict(by_epoch=False)
randomness = dict(seed=0)
