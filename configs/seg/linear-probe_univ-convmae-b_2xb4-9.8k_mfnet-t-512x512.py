# UNIV ConvMAE-B, linear probe on MFNet thermal, UNIP's protocol (casiatao/UNIP
# UNIP_segmentation/configs/linear_probing/
# linear_vit_base_12_512_slide_10k_mfnet.py, train_scripts/train_vit_base.sh):
# frozen backbone, plain AdamW, 2 GPUs x 4 images, seed 0; the head reads
# ConvMAE's stride-4/8/16 maps.
# normalisation: the thermal statistics of the dataset base
_base_ = [
    './_base_/models/linear-probe_univ-convmae-b.py',
    './_base_/datasets/mfnet-t.py',
    './_base_/optimizers/adamw.py',
    './_base_/schedules/unip-mfnet_2xb4-9.8k.py',
    './_base_/default_runtime.py'
]
train_dataloader = dict(batch_size=4)
model = dict(
    data_preprocessor=_base_.normalisation,
    decode_head=dict(num_classes=9))
