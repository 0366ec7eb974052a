_base_ = './adamw-ld0.65.py'
# optimizer: UNIP-B's fine-tuning runs override the config files' layer
# decay with 0.85 (casiatao/UNIP UNIP_segmentation/train_scripts/
# train_vit_base.sh: optimizer.paramwise_cfg.layer_decay_rate=0.85)
optim_wrapper = dict(paramwise_cfg=dict(layer_decay_rate=0.85))
