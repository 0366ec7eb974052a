# model settings: linear probe on ConvMAE-B. The whole encoder is frozen
# (frozen_stages=3; no drop path, layer scale or relative position bias:
# the pre-trained model as it is) and one linear layer (a 1x1 conv)
# classifies its stride-4/8/16 maps, resized to stride 4 and concatenated.
# The stride-32 branch is left out: it has no pre-trained weights.
_base_ = './upernet_univ-convmae-b.py'
model = dict(
    backbone=dict(
        out_indices=(0, 1, 2),
        frozen_stages=3,
        drop_path_rate=0.0,
        layer_scale_init_value=None,
        use_rel_pos_bias=False),
    decode_head=dict(
        _delete_=True,
        type='FCNHead',
        in_channels=[256, 384, 768],
        in_index=[0, 1, 2],
        input_transform='resize_concat',
        channels=256 + 384 + 768,
        num_convs=0,
        concat_input=False,
        dropout_ratio=0.1,
        align_corners=False,
        loss_decode=dict(
            type='CrossEntropyLoss', use_sigmoid=False, loss_weight=1.0)),
    auxiliary_head=None)
