# model settings: ConvMAE-B + UperNet, FCN auxiliary head, as the UNIV
# release fine-tunes it: the backbone's four maps feed UperNet without a
# neck (see univ-convmae-b_dense.py for the backbone and its checkpoints)
_base_ = ['./upernet_univ-vit-b.py', './univ-convmae-b_dense.py']
model = dict(
    backbone=dict(
        _delete_=True,
        **_base_.convmae_backbone,
        init_cfg=dict(
            type='Pretrained', checkpoint=_base_.univ_convmae_b_checkpoint)),
    neck=None,
    decode_head=dict(in_channels=[256, 384, 768, 768]))
