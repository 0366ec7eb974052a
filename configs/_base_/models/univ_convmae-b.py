# model settings: UNIV on ConvMAE-B (the paper's model), teacher = the
# ConvMAE-B ImageNet-1k release (convmae_base.pth, weights under 'model';
# its MAE decoder is ignored). Point at your copy with
#   --cfg-options model.teacher.init_cfg.checkpoint=PATH
teacher_checkpoint = 'checkpoints/convmae_base.pth'
convmae = dict(
    type='UNIVConvMAE',
    arch='b',
    img_size=224,
    out_indices=(2, ),  # pre-training reads tokens only: no stride-32 branch
    drop_path_rate=0.0,
)
model = dict(
    type='UNIV',
    # student: the teacher's weights (copied at init) + trainable LoRA on
    # the release's targets (qkv, proj, fc1, fc2, patch_embed4)
    backbone=dict(
        **convmae, lora_cfg=dict(r=8, lora_alpha=32, lora_dropout=0.1)),
    teacher=dict(
        **convmae,
        init_cfg=dict(type='Pretrained', checkpoint=teacher_checkpoint)),
    head=dict(
        type='PCCLHead',
        loss=dict(type='PCCLLoss', threshold=0.6, temperature=0.04),
        ir_weight=1.0,  # alpha
        rgb_weight=1.0,  # beta
    ),
    data_preprocessor=dict(type='PairedDataPreprocessor'),
)
