# The CPU demo of univ_vit-t_synthetic-demo.py on a test-sized ConvMAE
# (arch='tiny': 16/24/32 channels, 1/1/2 blocks; not a published model),
# with the release's per-parameter gradient clipping. Random teacher: it
# shows the mechanics, not a useful model.
_base_ = ['./univ_vit-t_synthetic-demo.py']

# model settings
convmae = dict(type='UNIVConvMAE', arch='tiny', img_size=112,
               out_indices=(2, ))
model = dict(
    backbone=dict(_delete_=True, **convmae,
                  lora_cfg=dict(r=8, lora_alpha=32, lora_dropout=0.1)),
    teacher=dict(_delete_=True, **convmae),
)

# optimizer: fp32 on CPU, per-parameter clipping as the release
optim_wrapper = dict(
    type='PerParameterClipOptimWrapper',
    clip_grad=dict(type='per_parameter', max_norm=3.0))
