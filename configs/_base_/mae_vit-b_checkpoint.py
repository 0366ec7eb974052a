# MAE ViT-B/16, IN-1k, 1600 ep (MMPretrain's release): UNIV's ViT-B teacher and baseline
mae_vit_b_checkpoint = 'https://download.openmmlab.com/mmselfsup/1.x/mae/mae_vit-base-p16_8xb512-fp16-coslr-1600e_in1k/mae_vit-base-p16_8xb512-fp16-coslr-1600e_in1k_20220825-f7569ca2.pth'  # noqa: E501
