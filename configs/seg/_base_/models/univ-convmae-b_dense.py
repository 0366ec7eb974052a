# UNIV ConvMAE-B as the release fine-tunes it (SEG/MCMAE_SEG): its four maps
# (strides 4/8/16/32, 256/384/768/768 channels), layer scale 1.0, a relative
# position bias per block, drop path 0.2.
# UNIV-init (set by the files that use it): the authors' UNIV_checkpoint.pth
# or a univ_mm export (configs/_base_/univ_backbones.py):
#   --cfg-options model.backbone.init_cfg.checkpoint=PATH
# Teacher-initialised twins: configs/seg/baselines/*convmae-b_*.py.
# Non-encoder keys (MAE decoder, teacher, final norm) are ignored and listed.
convmae_backbone = dict(
    type='univ_mm.UNIVConvMAE',
    arch='b',
    img_size=512,  # position embedding and bias window: 32 x 32 tokens
    out_indices=(0, 1, 2, 3),
    drop_path_rate=0.2,
    layer_scale_init_value=1.0,
    use_rel_pos_bias=True,
    final_norm=False,
    norm_cfg=dict(type='SyncBN', requires_grad=True))
