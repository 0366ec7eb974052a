# UNIV ConvMAE-B, linear probe on SODA, UNIP's protocol (casiatao/UNIP
# UNIP_segmentation/configs/linear_probing/
# linear_vit_base_12_512_slide_14k_soda.py, train_scripts/train_vit_base.sh):
# frozen backbone, plain AdamW, 2 GPUs x 4 images, seed 0; the head reads
# ConvMAE's stride-4/8/16 maps.
# normalisation: the thermal statistics of the dataset base
_base_ = [
    './_base_/models/linear-probe_univ-convmae-b.py',
    './_base_/datasets/soda.py',
    './_base_/optimizers/adamw.py',
    './_base_/schedules/unip-soda_2xb4-14.4k.py',
    './_base_/default_runtime.py'
]
train_dataloader = dict(batch_size=4)
model = dict(
    data_preprocessor=_base_.normalisation,
    decode_head=dict(num_classes=21))
