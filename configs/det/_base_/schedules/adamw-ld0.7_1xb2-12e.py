# learning policy: PAD's FLIR recipe counted in epochs, 12 epochs
_base_ = './adamw-ld0.7_1xb2-53k.py'
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
