# model settings: UNIV on ViT-B/16, teacher = MAE ViT-B/16 (IN-1k, 1600 ep)
_base_ = '../mae_vit-b_checkpoint.py'
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
    type='UNIV',
    # student: the teacher's weights (copied at init) + trainable LoRA
    backbone=dict(
        **vit, lora_cfg=dict(r=8, lora_alpha=32, lora_dropout=0.1)),
    teacher=dict(
        **vit,
        # any supported format, plain or inside a whole model (MMPretrain's
        # MAE keeps it under "backbone."): UNIVVisionTransformer finds it
        init_cfg=dict(type='Pretrained', checkpoint=teacher_checkpoint)),
    head=dict(
        type='PCCLHead',
        loss=dict(type='PCCLLoss', threshold=0.6, temperature=0.04),
        ir_weight=1.0,  # alpha
        rgb_weight=1.0,  # beta
    ),
    data_preprocessor=dict(type='PairedDataPreprocessor'),
)
