# Downstream segmentation of `make evidence` (projects/pccl_evidence/run.py)
# on the labelled synthetic world: the evidence ViT (6 layers, 128 dims,
# patch 8) + a linear head (FCNHead without convs). The tool fills in per
# run: the datasets (world, modality), the normalisation of the modality,
# the backbone's init_cfg and frozen_stages, lr and backbone lr_mult, and the
# schedule's length. It also trains the supervised RGB teacher.
default_scope = 'mmseg'
custom_imports = dict(imports=['univ_mm'], allow_failed_imports=False)
image_size = (64, 80)
num_classes = 6  # univ_mm.synthetic.world.CLASSES
embed_dims = 128
model = dict(
    type='EncoderDecoder',
    data_preprocessor=dict(type='SegDataPreProcessor', bgr_to_rgb=True,
                           size=image_size),
    backbone=dict(
        type='univ_mm.UNIVVisionTransformer',
        arch=dict(embed_dims=embed_dims, num_layers=6, num_heads=4,
                  feedforward_channels=4 * embed_dims),
        img_size=image_size, patch_size=8, out_type='featmap'),
    decode_head=dict(type='FCNHead', in_channels=embed_dims,
                     channels=embed_dims, num_convs=0, concat_input=False,
                     dropout_ratio=0, num_classes=num_classes,
                     norm_cfg=None),
    test_cfg=dict(mode='whole'))

train_dataloader = dict(batch_size=16, num_workers=0,
                        sampler=dict(type='InfiniteSampler', shuffle=True))
val_dataloader = dict(batch_size=16, num_workers=0,
                      sampler=dict(type='DefaultSampler', shuffle=False))
val_evaluator = dict(type='IoUMetric', iou_metrics=['mIoU'])

optim_wrapper = dict(
    optimizer=dict(type='AdamW', lr=1e-3, weight_decay=0.05),
    paramwise_cfg=dict(custom_keys={'backbone': dict(lr_mult=1.)}))
# validated once, after training, through runner.val()
train_cfg = dict(type='IterBasedTrainLoop', max_iters=800, val_begin=801)
val_cfg = dict(type='ValLoop')
default_hooks = dict(
    logger=dict(type='LoggerHook', interval=200),
    checkpoint=dict(type='CheckpointHook', by_epoch=False, interval=800))
log_processor = dict(by_epoch=False)
log_level = 'WARNING'
visualizer = dict(type='Visualizer',
                  vis_backends=[dict(type='LocalVisBackend')])
