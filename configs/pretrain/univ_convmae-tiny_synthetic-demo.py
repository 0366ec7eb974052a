# CPU demo on a test-sized ConvMAE (arch tiny, not a published model); not a benchmark
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
