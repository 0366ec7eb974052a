# model settings: linear probe on ConvMAE-B. The whole encoder is frozen
# (frozen_stages=3; no drop path, layer scale or relative position bias:
# the pre-trained model as it is) and the linear head of the ViT probe
# classifies its stride-4/8/16 maps, resized to stride 4 and concatenated.
# The stride-32 branch is left out: it has no pre-trained weights.
_base_ = ['./linear-probe_univ-vit-b.py', './univ-convmae-b_dense.py']
model = dict(
    backbone=dict(
        _delete_=True,
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
