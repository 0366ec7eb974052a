# PCCL of `make evidence` (projects/pccl_evidence/run.py): the demo
# config's code path at the evidence world's size (64 x 80 px, patch 8: 80
# patches) on the evidence ViT (6 layers, 128 dims), the official lr rule
# (1.5e-4 per 256 pairs) and the demo's schedule shape (1/8 linear warm-up,
# cosine to 1 %). The tool points the data at its world and the teacher at
# its checkpoint (model.teacher.init_cfg.checkpoint).
_base_ = ['../../../configs/pretrain/univ_vit-t_synthetic-demo.py']

# model settings
image_size = (64, 80)
vit = dict(arch=dict(_delete_=True, embed_dims=128, num_layers=6,
                     num_heads=4, feedforward_channels=512),
           img_size=image_size, patch_size=8)
model = dict(
    backbone=vit,
    teacher=dict(vit, init_cfg=dict(_delete_=True, type='Pretrained',
                                    checkpoint='TEACHER.pth',
                                    prefix='backbone.')))

# dataset settings: the crop keeps the whole world image size
scale = image_size[::-1]
train_pipeline = [
    dict(type='LoadPairedImages', ir_color_type='grayscale'),
    dict(type='PairedRandomResizedCrop', scale=scale, side_range=(0.4, 1.0)),
    dict(type='PairedRandomFlip', prob=0.5, direction='horizontal'),
    dict(type='PackPairedInputs'),
]
val_pipeline = [
    dict(type='LoadPairedImages', ir_color_type='grayscale'),
    dict(type='PairedRandomResizedCrop', scale=scale, side_range=(1.0, 1.0)),
    dict(type='PackPairedInputs'),
]
train_dataloader = dict(batch_size=16,
                        dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=val_pipeline))

# optimizer: the official lr rule for 16 pairs
optim_wrapper = dict(optimizer=dict(lr=1.5e-4 * 16 / 256))

# learning policy
max_iters = 640
warmup = max_iters // 8 + 1
param_scheduler = [
    dict(type='LinearLR', start_factor=1e-3, by_epoch=False, begin=0,
         end=warmup),
    dict(type='CosineAnnealingLR', eta_min_ratio=1e-2, by_epoch=False,
         begin=warmup, end=max_iters),
]
train_cfg = dict(max_iters=max_iters, val_interval=max_iters // 4)

# runtime
default_hooks = dict(logger=dict(interval=max_iters // 8),
                     checkpoint=dict(interval=max_iters))
log_level = 'WARNING'
