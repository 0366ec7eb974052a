# model settings: UNIV ConvMAE-B's four maps (strides 4/8/16/32,
# 256/384/768/768 channels, as its segmentation backbone gives them) -> FPN
# (256 channels, 5 levels) -> the Faster R-CNN heads of the ViT configs
# (2-conv RPN, 4conv1fc box head with LayerNorm), so only the backbone and
# its pyramid differ from them
_base_ = './faster-rcnn_vit-b-p16-sfp.py'

# UNIV-init: the authors' UNIV_checkpoint.pth or a univ_mm export (see
# configs/_base_/univ_backbones.py)
# teacher-initialised twins: configs/det/baselines/*convmae-b-fpn_*.py
model = dict(
    backbone=dict(
        _delete_=True,
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
        _delete_=True,
        type='FPN',
        in_channels=[256, 384, 768, 768],
        out_channels=256,
        num_outs=5))
# PAD's weight-decay rule (detectron2's weight_decay_norm=0; the schedules'
# custom_keys name the ViT's norms) on ConvMAE's modules: no decay on its
# LayerNorms and on the BatchNorm of its stride-32 branch. The configs add it
# with optim_wrapper = dict(paramwise_cfg=dict(custom_keys=...)).
convmae_norms_no_decay = {
    key: dict(decay_mult=0.0)
    for key in ('.norm1', '.norm2', '.patch_embed1.norm',
                '.patch_embed2.norm', '.patch_embed3.norm', 'backbone.fpn.1.')
}
