# dataset settings: MFNet, RGB channels of the same scenes (RGB retention)
_base_ = './mfnet-t.py'
data_root = 'data/mfnet/rgb'
train_dataloader = dict(dataset=dict(data_root=data_root))
val_dataloader = dict(
    dataset=dict(datasets=[
        dict(_base_.val_split, data_root=data_root),
        dict(_base_.test_split, data_root=data_root)
    ]))
test_dataloader = dict(dataset=dict(data_root=data_root))
