# UNIV-initialised ViT-B/16 + UperNet on MSRS infrared, the UNIV release's
# MSRS protocol (fangyuanmao/UNIV SEG/MCMAE_SEG/configs/convmae/
# upernet_msrs.py, run_train.sh) on a ViT-B: blocks 4/6/8/12, drop path
# 0.2, layer decay 0.75, 4 GPUs x 2 images, 48k iterations, seed 24.
# normalisation: the thermal statistics of the dataset base
_base_ = [
    './_base_/models/upernet_univ-vit-b.py',
    './_base_/datasets/msrs-ir.py',
    './_base_/optimizers/adamw-ld0.75.py',
    './_base_/schedules/univ-msrs_4xb2-48k.py',
    './_base_/default_runtime.py'
]
train_dataloader = dict(batch_size=2)
model = dict(
    backbone=dict(drop_path_rate=0.2),
    data_preprocessor=_base_.normalisation,
    decode_head=dict(num_classes=9),
    auxiliary_head=dict(num_classes=9))
# the release's --deterministic: cuDNN picks no benchmarked algorithms
env_cfg = dict(cudnn_benchmark=False)
