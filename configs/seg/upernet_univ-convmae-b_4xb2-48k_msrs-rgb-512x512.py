# UNIV ConvMAE-B + UperNet on MSRS visible (RGB retention), the UNIV
# release's own MSRS protocol as in the infrared config: drop path 0.2,
# layer decay 0.75 over ConvMAE's depths, 4 GPUs x 2 images, 48k
# iterations, seed 24.
# normalisation: ImageNet statistics (the base)
_base_ = [
    './_base_/models/upernet_univ-convmae-b.py',
    './_base_/datasets/msrs-rgb.py',
    './_base_/optimizers/adamw-ld0.75.py',
    './_base_/schedules/univ-msrs_4xb2-48k.py',
    './_base_/default_runtime.py'
]
train_dataloader = dict(batch_size=2)
model = dict(
    decode_head=dict(num_classes=9),
    auxiliary_head=dict(num_classes=9))
# the release's --deterministic: cuDNN picks no benchmarked algorithms
env_cfg = dict(cudnn_benchmark=False)
