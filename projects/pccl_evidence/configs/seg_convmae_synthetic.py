# seg_vit-t_synthetic.py on the evidence ConvMAE (stride-16 tokens, the
# same width and transformer depth as the evidence ViT).
_base_ = ['./seg_vit-t_synthetic.py']

model = dict(
    backbone=dict(
        _delete_=True, type='univ_mm.UNIVConvMAE',
        arch=dict(embed_dims=(32, 64, 128), depths=(1, 1, 6), num_heads=4,
                  mlp_ratio=4.),
        img_size=64, out_indices=(2, )))
