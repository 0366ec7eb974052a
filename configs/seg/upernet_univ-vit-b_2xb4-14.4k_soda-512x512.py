# UNIV-initialised ViT-B/16 + UperNet on SODA, the PAD-style variant:
# the fine-tuning config files as written (casiatao/UNIP UNIP_segmentation/
# configs/fine_tuning/upernet_vit_base_12_512_slide_14k_soda.py; PAD uses
# the same layout on SODA and MFNet, casiatao/PAD segmentation/configs/mae/):
# blocks 4/6/8/12, layer decay 0.65, 2 GPUs x 4 images, seed 0.
# Everything else is the UNIP protocol of the base.
_base_ = './upernet-llfpn_univ-vit-b_2xb4-14.4k_soda-512x512.py'
model = dict(backbone=dict(out_indices=(3, 5, 7, 11)))
optim_wrapper = dict(paramwise_cfg=dict(layer_decay_rate=0.65))
