# pccl_vit-t_synthetic.py with the evidence ConvMAE (stride-16 tokens: 4 x 5
# per world image; no class token) as teacher and student, and the release's
# per-parameter gradient clipping (as univ_convmae-tiny_synthetic-demo.py).
_base_ = ['./pccl_vit-t_synthetic.py']

# model settings
convmae = dict(
    type='UNIVConvMAE',
    arch=dict(embed_dims=(32, 64, 128), depths=(1, 1, 6), num_heads=4,
              mlp_ratio=4.),
    img_size=64, out_indices=(2, ))
model = dict(
    backbone=dict(_delete_=True, **convmae,
                  lora_cfg=dict(r=8, lora_alpha=32, lora_dropout=0.1)),
    teacher=dict(_delete_=True, **convmae,
                 init_cfg=dict(type='Pretrained', checkpoint='TEACHER.pth',
                               prefix='backbone.')))

# optimizer: per-parameter clipping as the release
optim_wrapper = dict(
    type='PerParameterClipOptimWrapper',
    clip_grad=dict(type='per_parameter', max_norm=3.0))
