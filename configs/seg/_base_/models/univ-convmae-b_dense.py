# UNIV ConvMAE-B as the release fine-tunes it (fangyuanmao/UNIV SEG/MCMAE_SEG)
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
