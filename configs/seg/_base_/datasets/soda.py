_base_ = './common_512x512.py'
# normalisation: UNIP's thermal statistics (its configs/_base_/datasets), one
# value for the 3 identical channels; thermal configs set
# model.data_preprocessor to it
normalisation = dict(mean=[96.9255] * 3, std=[47.8976] * 3)
# SODA, real thermal images (train / test lists of the release), written
# by tools/dataset_converters/soda.py
dataset_type = 'univ_mm.SODADataset'
data_root = 'data/soda'
train_dataloader = dict(dataset=dict(type=dataset_type, data_root=data_root))
val_dataloader = dict(dataset=dict(type=dataset_type, data_root=data_root))
test_dataloader = val_dataloader
