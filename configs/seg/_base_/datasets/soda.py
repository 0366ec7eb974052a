_base_ = './common_512x512.py'
# SODA, real thermal images (train / test lists of the release), written
# by tools/dataset_converters/soda.py
dataset_type = 'univ_mm.SODADataset'
data_root = 'data/soda'
train_dataloader = dict(dataset=dict(type=dataset_type, data_root=data_root))
val_dataloader = dict(dataset=dict(type=dataset_type, data_root=data_root))
test_dataloader = val_dataloader
