# optimizer: UNIP's linear probing (casiatao/UNIP UNIP_segmentation/configs/
# linear_probing/linear_vit_base_*.py): plain AdamW, lr 1e-4, betas
# (0.9, 0.999), weight decay 0.05 on every trainable parameter (the head's
# weight and bias), no layer decay, fp16 (on CPU use --cfg-options
# optim_wrapper.type=OptimWrapper)
optim_wrapper = dict(
    type='AmpOptimWrapper',
    optimizer=dict(
        type='AdamW', lr=1e-4, betas=(0.9, 0.999), weight_decay=0.05))
