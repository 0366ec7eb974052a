# UNIV-initialised ViT-B/16, linear probe on MSRS infrared. The UNIV
# release has no MSRS linear probe: this is UNIP's probe (head and
# optimiser, casiatao/UNIP UNIP_segmentation/configs/linear_probing/)
# on the MSRS schedule (fangyuanmao/UNIV SEG/MCMAE_SEG).
# normalisation: the thermal statistics of the dataset base
_base_ = [
    './_base_/models/linear-probe_univ-vit-b.py',
    './_base_/datasets/msrs-ir.py',
    './_base_/optimizers/adamw.py',
    './_base_/schedules/univ-msrs_4xb2-48k.py',
    './_base_/default_runtime.py'
]
train_dataloader = dict(batch_size=2)
model = dict(
    data_preprocessor=_base_.normalisation,
    decode_head=dict(num_classes=9))
# the release's --deterministic: cuDNN picks no benchmarked algorithms
env_cfg = dict(cudnn_benchmark=False)
