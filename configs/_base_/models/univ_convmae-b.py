# model settings: UNIV on ConvMAE-B + LoRA, teacher = ConvMAE-B (IN-1k release)
_base_ = './univ.py'
teacher_checkpoint = 'checkpoints/convmae_base.pth'
convmae = dict(
    type='UNIVConvMAE',
    arch='b',
    img_size=224,
    out_indices=(2, ),
    drop_path_rate=0.0,
)
model = dict(
    backbone=dict(
        **convmae, lora_cfg=dict(r=8, lora_alpha=32, lora_dropout=0.1)),
    teacher=dict(
        **convmae,
        init_cfg=dict(type='Pretrained', checkpoint=teacher_checkpoint)))
