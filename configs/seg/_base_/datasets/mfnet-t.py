_base_ = './common_512x512.py'
# MFNet, thermal channel (UNIP's MFNet-T): train 784, test 393 scenes,
# written by tools/dataset_converters/mfnet.py
dataset_type = 'univ_mm.MFNetDataset'
data_root = 'data/mfnet/ir'
train_dataloader = dict(dataset=dict(type=dataset_type, data_root=data_root))
val_dataloader = dict(dataset=dict(type=dataset_type, data_root=data_root))
test_dataloader = val_dataloader
