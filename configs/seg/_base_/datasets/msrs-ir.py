_base_ = './common_512x512.py'
# normalisation: UNIV's infrared pre-training statistics (the release's MSRS
# dataset config is not published, so this is an assumption); thermal
# configs set model.data_preprocessor to it
normalisation = dict(mean=[136.12] * 3, std=[64.23] * 3)
# MSRS, infrared side (the official UNIV benchmark): 1083 train / 361 test,
# written by tools/dataset_converters/msrs.py
dataset_type = 'univ_mm.MSRSDataset'
data_root = 'data/msrs/ir'
train_dataloader = dict(dataset=dict(type=dataset_type, data_root=data_root))
val_dataloader = dict(dataset=dict(type=dataset_type, data_root=data_root))
test_dataloader = val_dataloader
