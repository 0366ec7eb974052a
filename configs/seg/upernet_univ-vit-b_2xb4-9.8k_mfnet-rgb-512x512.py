# UNIV-initialised ViT-B/16 + UperNet on MFNet RGB (RGB retention), the PAD-style variant:
# the fine-tuning config files as written (casiatao/UNIP UNIP_segmentation/
# configs/fine_tuning/upernet_vit_base_12_512_slide_10k_mfnet_rgb.py; PAD uses
# the same layout on SODA and MFNet, casiatao/PAD segmentation/configs/mae/):
# blocks 4/6/8/12, layer decay 0.65, 2 GPUs x 4 images, seed 0.
# normalisation: ImageNet statistics (the base)
_base_ = [
    './_base_/models/upernet_univ-vit-b.py',
    './_base_/datasets/mfnet-rgb.py',
    './_base_/optimizers/adamw-ld0.65.py',
    './_base_/schedules/unip-mfnet_2xb4-9.8k.py',
    './_base_/default_runtime.py'
]
train_dataloader = dict(batch_size=4)
model = dict(
    decode_head=dict(num_classes=9),
    auxiliary_head=dict(num_classes=9))
