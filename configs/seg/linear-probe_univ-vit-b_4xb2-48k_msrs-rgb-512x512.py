# UNIP's linear probe on the UNIV release's MSRS schedule (fangyuanmao/UNIV SEG/MCMAE_SEG)
_base_ = [
    './_base_/models/linear-probe_univ-vit-b.py',
    './_base_/datasets/msrs-rgb.py',
    './_base_/optimizers/adamw.py',
    './_base_/schedules/univ-msrs_4xb2-48k.py',
    './_base_/default_runtime.py'
]
train_dataloader = dict(batch_size=2)
model = dict(
    decode_head=dict(num_classes=9))
env_cfg = dict(cudnn_benchmark=False)
