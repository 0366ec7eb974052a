# model settings: UNIV on ViT-B/16, teacher = MAE ViT-B/16 (IN-1k, 1600 ep)
teacher_checkpoint = 'https://download.openmmlab.com/mmselfsup/1.x/mae/mae_vit-base-p16_8xb512-fp16-coslr-1600e_in1k/mae_vit-base-p16_8xb512-fp16-coslr-1600e_in1k_20220825-f7569ca2.pth'  # noqa: E501
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
