# UNIP's linear probe (casiatao/UNIP UNIP_segmentation/configs/linear_probing/linear_vit_base_12_512_slide_17k_scut.py)
_base_ = [
    './_base_/models/linear-probe_univ-vit-b.py',
    './_base_/datasets/scut-seg.py',
    './_base_/optimizers/adamw.py',
    './_base_/schedules/unip-scut_2xb4-16.8k.py',
    './_base_/default_runtime.py'
]
train_dataloader = dict(batch_size=4)
model = dict(
    data_preprocessor=_base_.normalisation,
    decode_head=dict(num_classes=10))
