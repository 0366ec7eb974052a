# dataset settings: SODA, UNIP's thermal normalisation
_base_ = './common_512x512.py'
normalisation = dict(mean=[96.9255] * 3, std=[47.8976] * 3)
dataset_type = 'univ_mm.SODADataset'
data_root = 'data/soda'
train_dataloader = dict(dataset=dict(type=dataset_type, data_root=data_root))
val_dataloader = dict(dataset=dict(type=dataset_type, data_root=data_root))
test_dataloader = val_dataloader
