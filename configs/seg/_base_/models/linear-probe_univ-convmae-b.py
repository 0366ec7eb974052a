# model settings: linear probe on a frozen UNIV ConvMAE-B (stride-4/8/16 maps)
_base_ = [
    '../../../_base_/univ_backbones.py', './linear-probe.py',
    './univ-convmae-b_dense.py'
]
model = dict(
    backbone=dict(
        **dict(
            _base_.convmae_backbone,
            out_indices=(0, 1, 2),
            frozen_stages=3,
            drop_path_rate=0.0,
            layer_scale_init_value=None,
            use_rel_pos_bias=False,
            init_cfg=dict(
                type='Pretrained',
                checkpoint=_base_.univ_convmae_b_checkpoint))),
    decode_head=dict(
        in_channels=[256, 384, 768],
        in_index=[0, 1, 2],
        channels=256 + 384 + 768))
