_base_ = './adamw-ld0.7_1xb2-53k.py'
# PAD's FLIR recipe (the base) counted in epochs, for the datasets PAD does
# not cover: 12 epochs, the same 250 warm-up iterations, lr x 0.1 after
# epochs 8 and 11, COCO AP every epoch
train_cfg = dict(
    _delete_=True, type='EpochBasedTrainLoop', max_epochs=12, val_interval=1)
param_scheduler = [
    _base_.param_scheduler[0],
    dict(
        type='MultiStepLR',
        by_epoch=True,
        begin=0,
        end=12,
        milestones=[8, 11],
        gamma=0.1),
]
