# optimizer: the fine-tuning AdamW of UNIP's and PAD's config files
# (casiatao/UNIP UNIP_segmentation/configs/fine_tuning/upernet_vit_base_*.py,
# casiatao/PAD segmentation/configs/mae/upernet_mae_base_*.py): lr 1e-4,
# betas (0.9, 0.999), weight decay 0.05, fp16 (apex O1 there; on CPU use
# --cfg-options optim_wrapper.type=OptimWrapper), layer-wise lr decay 0.65:
# embeddings at depth 0, block i at i + 1, everything after the blocks at 13,
# depth d at lr x 0.65 ** (13 - d).
# Weight decay as the BEiT semantic-segmentation LayerDecayOptimizerConstructor
# (mmcv_custom/, whose name and paramwise_cfg arguments their configs use; the
# file itself is not in their published trees) gives it: none on 1-D
# parameters (biases, norm weights), 0.05 on everything else, position
# embedding and class token included (its no-decay test compares the bare
# names 'pos_embed'/'cls_token' with 'backbone.'-prefixed names, so it never
# matches).
optim_wrapper = dict(
    type='AmpOptimWrapper',
    optimizer=dict(
        type='AdamW', lr=1e-4, betas=(0.9, 0.999), weight_decay=0.05),
    constructor='univ_mm.LayerDecayOptimWrapperConstructor',
    paramwise_cfg=dict(layer_decay_rate=0.65, flat_decay_mult=0.0))
