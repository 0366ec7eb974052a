# model settings: UNIV ConvMAE-B (four maps) + FPN, the ViT configs' heads
_base_ = './faster-rcnn_vitdet-heads.py'
model = dict(
    backbone=dict(
        type='univ_mm.UNIVConvMAE',
        arch='b',
        img_size=224,  # the position embedding is resized to each input
        out_indices=(0, 1, 2, 3),
        drop_path_rate=0.1,
        final_norm=False,
        norm_cfg=dict(type='SyncBN', requires_grad=True),
        init_cfg=dict(
            type='Pretrained', checkpoint=_base_.univ_convmae_b_checkpoint)),
    neck=dict(
        type='FPN',
        in_channels=[256, 384, 768, 768],
        out_channels=256,
        num_outs=5))
convmae_norms_no_decay = {
    key: dict(decay_mult=0.0)
    for key in ('.norm1', '.norm2', '.patch_embed1.norm',
                '.patch_embed2.norm', '.patch_embed3.norm', 'backbone.fpn.1.')
}
