# The UNIV release's MSRS protocol for ConvMAE-B (SEG/MCMAE_SEG/configs/
# convmae/upernet_msrs.py and run_train.sh): AdamW lr 1e-4, weight decay
# 0.05, ConvMAE's layer-wise lr decay 0.75 (patch embeds, conv stages and
# position embedding at depth 0, transformer block i at i + 1, the rest at
# 12: lr x 0.75 ** (12 - depth); UNIVConvMAE.get_layer_depth), weight decay
# on every weight of 2 or more dimensions (as its constructor: none on
# biases, norms and layer scales), 1500 linear warm-up iterations then poly,
# 48k iterations, 2 images x 4 GPUs, evaluation every 2400 iterations,
# seed 24, deterministic.
_base_ = './adamw-ld0.75_poly-48k.py'
optim_wrapper = dict(
    optimizer=dict(lr=1e-4, weight_decay=0.05),
    paramwise_cfg=dict(
        _delete_=True,
        layer_decay_rate=0.75,
        norm_decay_mult=0.0,
        bias_decay_mult=0.0,
        flat_decay_mult=0.0))
max_iters, warmup_iters = 48000, 1500
param_scheduler = [
    dict(type='LinearLR', start_factor=1e-6, by_epoch=False, begin=0,
         end=warmup_iters),
    dict(type='PolyLR', eta_min=0.0, power=1.0, by_epoch=False,
         begin=warmup_iters, end=max_iters),
]
train_cfg = dict(max_iters=max_iters, val_interval=2400)
default_hooks = dict(checkpoint=dict(interval=2400))
randomness = dict(seed=24, deterministic=True)
auto_scale_lr = dict(base_batch_size=4 * 2)
