# UNIV ConvMAE-B + UperNet on SODA, UNIP-B's fine-tuning protocol
# (casiatao/UNIP UNIP_segmentation/train_scripts/train_vit_base.sh over
# configs/fine_tuning/upernet_vit_base_12_512_slide_14k_soda.py):
# its optimiser, schedule, drop path 0.1, 2 GPUs x 4 images, seed 0, on
# ConvMAE's own four maps (LL-FPN is a ViT neck, not used here).
# layer decay 0.75, not UNIP's 0.85: 0.85 is UNIP's choice for a 12-block
# ViT-B; every released ConvMAE-B fine-tuning (ConvMAE's segmentation
# configs, the UNIV release's MSRS run) uses 0.75 over ConvMAE's 11 + 2
# depths, so this is the value tuned for this backbone.
# normalisation: the thermal statistics of the dataset base
_base_ = [
    './_base_/models/upernet_univ-convmae-b.py',
    './_base_/datasets/soda.py',
    './_base_/optimizers/adamw-ld0.75.py',
    './_base_/schedules/unip-soda_2xb4-14.4k.py',
    './_base_/default_runtime.py'
]
train_dataloader = dict(batch_size=4)
model = dict(
    backbone=dict(drop_path_rate=0.1),
    data_preprocessor=_base_.normalisation,
    decode_head=dict(num_classes=21),
    auxiliary_head=dict(num_classes=21))
