_base_ = './mfnet-t.py'
# MFNet, RGB channels of the same scenes (RGB retention)
data_root = 'data/mfnet/rgb'
train_dataloader = dict(dataset=dict(data_root=data_root))
val_dataloader = dict(dataset=dict(data_root=data_root))
test_dataloader = val_dataloader
