# optimizer: the UNIV release's MSRS fine-tuning, layer decay 0.75 (SEG/MCMAE_SEG upernet_msrs.py)
_base_ = './adamw-ld0.65.py'
optim_wrapper = dict(paramwise_cfg=dict(layer_decay_rate=0.75))
