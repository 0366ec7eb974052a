# optimizer and learning policy of PAD's FLIR detection (casiatao/PAD
# detection/projects/ViTDet/configs/FLIR/mask_rcnn_vitdet_b_12ep_step.py over
# detectron2's configs/common/{optim,train}.py; docs/DETECTION.md runs it with
# train.seed=42).
# optimizer: AdamW, lr 1e-4 for 2 images per iteration in total, betas
# (0.9, 0.999), weight decay 0.1, fp16 (on CPU use --cfg-options
# optim_wrapper.type=OptimWrapper). Layer-wise lr decay 0.7: embeddings at
# depth 0, block i at i + 1, everything after the blocks at 13, depth d at
# lr x 0.7 ** (13 - d). Weight decay as detectron2's
# get_default_optimizer_params gives it: none on the ViT's nn.LayerNorms
# (weight_decay_norm=0) and on pos_embed (PAD's override); biases and the
# pyramid's and box head's channel LayerNorms (detectron2's own "LN" class,
# not in its list of norm types) are decayed.
optim_wrapper = dict(
    type='AmpOptimWrapper',
    optimizer=dict(
        type='AdamW', lr=1e-4, betas=(0.9, 0.999), weight_decay=0.1),
    constructor='univ_mm.LayerDecayOptimWrapperConstructor',
    paramwise_cfg=dict(
        layer_decay_rate=0.7,
        custom_keys={
            '.ln1': dict(decay_mult=0.0),
            '.ln2': dict(decay_mult=0.0),
            '.pos_embed': dict(decay_mult=0.0),
        }))
# learning policy: 53,172 iterations (12 epochs of FLIR's 8,862 training
# images at 2 per iteration), linear warm-up over 250 iterations from
# lr x 0.001, lr x 0.1 from iteration 35,448 and x 0.01 from 48,741 (epochs 8
# and 11); COCO AP every 1000 iterations.
max_iters = 53172
param_scheduler = [
    # detectron2's warm-up factor reaches 1 at iteration 250; MMEngine's end
    # is exclusive
    dict(
        type='LinearLR', start_factor=0.001, by_epoch=False, begin=0,
        end=250 + 1),
    dict(
        type='MultiStepLR',
        by_epoch=False,
        begin=0,
        end=max_iters,
        milestones=[35448, 48741],
        gamma=0.1),
]
train_cfg = dict(
    type='IterBasedTrainLoop', max_iters=max_iters, val_interval=1000)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
randomness = dict(seed=42, diff_rank_seed=True)
# 2 images per iteration in total (total_batch_size=2; PAD leaves the GPU
# count open: one GPU x 2 here). enable=True rescales the lr linearly for
# other total batches.
auto_scale_lr = dict(enable=False, base_batch_size=1 * 2)
