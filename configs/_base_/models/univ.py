# model settings: UNIV (PCCL head); backbone and teacher set by univ_{vit,convmae}-b.py
model = dict(
    type='UNIV',
    backbone=dict(),
    teacher=dict(),
    head=dict(
        type='PCCLHead',
        loss=dict(type='PCCLLoss', threshold=0.6, temperature=0.04),
        ir_weight=1.0,  # alpha
        rgb_weight=1.0,  # beta
    ),
    data_preprocessor=dict(type='PairedDataPreprocessor'),
)
