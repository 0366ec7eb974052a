_base_ = './upernet_univ-vit-b.py'
# model settings: UNIP's linear probe (casiatao/UNIP UNIP_segmentation/
# configs/linear_probing/linear_vit_base_*.py, backbone/vit.py). Every
# backbone weight is frozen (frozen_stages = all 12 blocks and the
# embeddings: no gradients, no drop path) and one linear layer (a 1x1 conv,
# no dropout) classifies the raw outputs of blocks 4/6/8/12, concatenated.
model = dict(
    backbone=dict(frozen_stages=12, drop_path_rate=0.0),
    neck=None,
    decode_head=dict(
        _delete_=True,
        type='FCNHead',
        in_channels=[768, 768, 768, 768],
        in_index=[0, 1, 2, 3],
        input_transform='resize_concat',
        channels=4 * 768,
        num_convs=0,
        concat_input=False,
        dropout_ratio=0.0,
        align_corners=False,
        loss_decode=dict(
            type='CrossEntropyLoss', use_sigmoid=False, loss_weight=1.0)),
    auxiliary_head=None)
