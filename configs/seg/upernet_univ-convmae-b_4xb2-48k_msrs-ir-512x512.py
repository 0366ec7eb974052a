# UNIV ConvMAE-B + UperNet on MSRS infrared, the UNIV release's own MSRS
# protocol (fangyuanmao/UNIV SEG/MCMAE_SEG/configs/convmae/upernet_msrs.py,
# run_train.sh): the backbone's four maps, drop path 0.2, layer scale 1.0,
# relative position bias, layer decay 0.75 over ConvMAE's depths
# (UNIVConvMAE.get_layer_depth: 11 blocks + 2), no weight decay on 1-D
# weights (biases, norms, layer scales), 4 GPUs x 2 images, 48k iterations,
# seed 24: the schedule and optimiser of the ViT MSRS configs.
# normalisation: the thermal statistics of the dataset base
_base_ = [
    './_base_/models/upernet_univ-convmae-b.py',
    './_base_/datasets/msrs-ir.py',
    './_base_/optimizers/adamw-ld0.75.py',
    './_base_/schedules/univ-msrs_4xb2-48k.py',
    './_base_/default_runtime.py'
]
train_dataloader = dict(batch_size=2)
model = dict(
    data_preprocessor=_base_.normalisation,
    decode_head=dict(num_classes=9),
    auxiliary_head=dict(num_classes=9))
# the release's --deterministic: cuDNN picks no benchmarked algorithms
env_cfg = dict(cudnn_benchmark=False)
