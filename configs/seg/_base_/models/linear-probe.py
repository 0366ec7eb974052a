# model settings: UNIP's linear probe (casiatao/UNIP UNIP_segmentation/configs/linear_probing/)
_base_ = './upernet.py'
model = dict(
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
