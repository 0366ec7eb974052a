# UNIV pre-training, the authors' recipe on ConvMAE-B (configs/mcmae.yaml and
# pretrain_mcmae.py of the release): 8 GPUs x 32 pairs, 224 px, 400 epochs
# of MVIP, teacher = the ConvMAE-B ImageNet-1k release:
#   --cfg-options model.teacher.init_cfg.checkpoint=convmae_base.pth
_base_ = [
    '../_base_/models/univ_convmae-b.py',
    '../_base_/datasets/mvip.py',
    '../_base_/schedules/adamw_400e.py',
    '../_base_/default_runtime.py',
]
# optimizer: the schedule's AdamW (lr 1.5e-4 x batch / 256, weight decay
# 0.05 -> 0.5 cosine, none on norms and biases, fp16), with the release's
# per-parameter clipping: each parameter's gradient is scaled to norm <= 3.0
# on its own (MMEngine's clip_grad scales all of them by their global norm)
optim_wrapper = dict(
    type='PerParameterClipAmpOptimWrapper',
    clip_grad=dict(type='per_parameter', max_norm=3.0))
