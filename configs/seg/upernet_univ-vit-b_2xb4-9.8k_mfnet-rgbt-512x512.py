# upernet_univ-vit-b_2xb4-9.8k_mfnet-t-512x512.py on RGB + thermal (MFNet's 4-channel scenes; CMX's split and classes)
_base_ = [
    './_base_/models/upernet_univ-vit-b_rgbt.py',
    './_base_/datasets/mfnet-rgbt.py',
    './_base_/optimizers/adamw-ld0.65.py',
    './_base_/schedules/unip-mfnet_2xb4-9.8k.py',
    './_base_/default_runtime.py'
]
train_dataloader = dict(batch_size=4)
model = dict(
    data_preprocessor=_base_.normalisation,
    decode_head=dict(num_classes=9),
    auxiliary_head=dict(num_classes=9))
