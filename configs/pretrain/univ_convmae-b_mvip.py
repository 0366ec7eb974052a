# UNIV pre-training, the authors' ConvMAE-B recipe (fangyuanmao/UNIV configs/mcmae.yaml, pretrain_mcmae.py)
_base_ = [
    '../_base_/models/univ_convmae-b.py',
    '../_base_/datasets/mvip.py',
    '../_base_/schedules/adamw_400e.py',
    '../_base_/default_runtime.py',
]
# optimizer: the release's per-parameter gradient clipping
optim_wrapper = dict(
    type='PerParameterClipAmpOptimWrapper',
    clip_grad=dict(type='per_parameter', max_norm=3.0))
