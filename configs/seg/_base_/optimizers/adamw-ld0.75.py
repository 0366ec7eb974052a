_base_ = './adamw-ld0.65.py'
# optimizer: the UNIV release's MSRS fine-tuning, layer decay 0.75
# (fangyuanmao/UNIV SEG/MCMAE_SEG/configs/convmae/upernet_msrs.py: AdamW
# lr 1e-4, betas (0.9, 0.999), weight decay 0.05, LayerDecayOptimizerConstructor
# with layer_decay_rate=0.75, fp16). The release's constructor file is not
# published; the BEiT-derived rule of the base is assumed.
optim_wrapper = dict(paramwise_cfg=dict(layer_decay_rate=0.75))
