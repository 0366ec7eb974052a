# upernet_univ-convmae-b_4xb2-48k_msrs-ir-512x512.py (the UNIV release's MSRS protocol) on RGB + thermal
_base_ = [
    './_base_/models/upernet_univ-convmae-b_rgbt.py',
    './_base_/datasets/msrs-rgbt.py',
    './_base_/optimizers/adamw-ld0.75.py',
    './_base_/schedules/univ-msrs_4xb2-48k.py',
    './_base_/default_runtime.py'
]
train_dataloader = dict(batch_size=2)
model = dict(
    data_preprocessor=_base_.normalisation,
    decode_head=dict(num_classes=9),
    auxiliary_head=dict(num_classes=9))
env_cfg = dict(cudnn_benchmark=False)
