# model settings: UNIV on ViT-B/16 + LoRA, teacher = MAE ViT-B/16 (IN-1k, 1600 ep)
_base_ = ['../mae_vit-b_checkpoint.py', './univ.py']
teacher_checkpoint = _base_.mae_vit_b_checkpoint
vit = dict(
    type='UNIVVisionTransformer',
    arch='b',
    img_size=224,
    patch_size=16,
    out_type='featmap',
    drop_path_rate=0.0,
)
model = dict(
    backbone=dict(**vit, lora_cfg=dict(r=8, lora_alpha=32, lora_dropout=0.1)),
    teacher=dict(
        **vit,
        init_cfg=dict(type='Pretrained', checkpoint=teacher_checkpoint)))
