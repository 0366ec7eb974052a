# dataset settings: MSRS infrared (the official UNIV benchmark)
_base_ = './common_512x512.py'
normalisation = dict(mean=[136.12] * 3, std=[64.23] * 3)
dataset_type = 'univ_mm.MSRSDataset'
data_root = 'data/msrs/ir'
train_dataloader = dict(dataset=dict(type=dataset_type, data_root=data_root))
val_dataloader = dict(dataset=dict(type=dataset_type, data_root=data_root))
test_dataloader = val_dataloader
