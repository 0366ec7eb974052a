# UNIV-initialised ViT-B/16 + UperNet on SCUT-Seg, UNIP-B's fine-tuning
# protocol (casiatao/UNIP UNIP_segmentation/train_scripts/
# train_vit_base.sh over configs/fine_tuning/upernet_vit_base_12_512_slide_17k_scut.py):
# LL-FPN (every level from block 12), layer decay 0.85, 2 GPUs x 4
# images, seed 0.
# normalisation: the thermal statistics of the dataset base
_base_ = [
    './_base_/models/upernet-llfpn_univ-vit-b.py',
    './_base_/datasets/scut-seg.py',
    './_base_/optimizers/adamw-ld0.85.py',
    './_base_/schedules/unip-scut_2xb4-16.8k.py',
    './_base_/default_runtime.py'
]
train_dataloader = dict(batch_size=4)
model = dict(
    data_preprocessor=_base_.normalisation,
    decode_head=dict(num_classes=10),
    auxiliary_head=dict(num_classes=10))
