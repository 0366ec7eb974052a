# dataset settings: MSRS visible (RGB retention)
_base_ = './msrs-ir.py'
data_root = 'data/msrs/rgb'
train_dataloader = dict(dataset=dict(data_root=data_root))
val_dataloader = dict(dataset=dict(data_root=data_root))
test_dataloader = val_dataloader
