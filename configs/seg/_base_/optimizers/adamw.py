# optimizer: UNIP's linear probing, plain AdamW (casiatao/UNIP configs/linear_probing/)
optim_wrapper = dict(
    type='AmpOptimWrapper',
    optimizer=dict(
        type='AdamW', lr=1e-4, betas=(0.9, 0.999), weight_decay=0.05))
