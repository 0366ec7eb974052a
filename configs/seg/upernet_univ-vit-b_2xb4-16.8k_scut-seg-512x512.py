# UNIV-initialised ViT-B/16 + UperNet on SCUT-Seg, the PAD-style variant:
# the fine-tuning config files as written (casiatao/UNIP UNIP_segmentation/
# configs/fine_tuning/upernet_vit_base_12_512_slide_17k_scut.py; PAD uses
# the same layout on SODA and MFNet, casiatao/PAD segmentation/configs/mae/):
# blocks 4/6/8/12, layer decay 0.65, 2 GPUs x 4 images, seed 0.
# normalisation: UNIP's thermal statistics (its configs/_base_/datasets)
_base_ = [
    './_base_/models/upernet_univ-vit-b.py',
    './_base_/datasets/scut-seg.py',
    './_base_/optimizers/adamw-ld0.65.py',
    './_base_/schedules/unip-scut_2xb4-16.8k.py',
    './_base_/default_runtime.py'
]
train_dataloader = dict(batch_size=4)
model = dict(
    data_preprocessor=dict(mean=[96.9255] * 3, std=[47.8976] * 3),
    decode_head=dict(num_classes=10),
    auxiliary_head=dict(num_classes=10))
