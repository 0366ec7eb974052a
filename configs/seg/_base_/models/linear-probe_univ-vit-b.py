_base_ = './upernet_univ-vit-b.py'
# model settings: linear probe. Every backbone weight is frozen
# (frozen_stages = all 12 blocks, embeddings and final norm; no drop path)
# and one linear layer (a 1x1 conv) classifies the four stride-16 feature
# levels, concatenated.
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
        dropout_ratio=0.1,
        align_corners=False,
        loss_decode=dict(
            type='CrossEntropyLoss', use_sigmoid=False, loss_weight=1.0)),
    auxiliary_head=None)
