# mae_vit-t_synthetic.py for the evidence ConvMAE (UNIVConvMAE, 32/64/128
# channels, 1/1/6 blocks; stride-16 tokens, 4 x 4 per 64 px crop): our thin
# ConvMAE algorithm (MaskedConvMAE: block-wise masked convolutions, fusion)
# with MMPretrain's MAE decoder and pixel loss.
_base_ = ['./mae_vit-t_synthetic.py']

custom_imports = dict(imports=['univ_mm'], allow_failed_imports=False)
model = dict(
    _delete_=True,
    type='univ_mm.ConvMAE',
    data_preprocessor={{_base_.model.data_preprocessor}},
    backbone=dict(
        type='univ_mm.MaskedConvMAE',
        arch=dict(embed_dims=(32, 64, 128), depths=(1, 1, 6), num_heads=4,
                  mlp_ratio=4.),
        img_size=64, out_indices=(2, )),
    # 64 px crops: 4 x 4 tokens
    neck=dict(type='univ_mm.ConvMAEPretrainDecoder', num_patches=16,
              patch_size=16, embed_dim=128, decoder_embed_dim=64,
              decoder_depth=2, decoder_num_heads=4),
    head=dict(type='MAEPretrainHead', norm_pix=True, patch_size=16,
              loss=dict(type='PixelReconstructionLoss', criterion='L2')),
)
