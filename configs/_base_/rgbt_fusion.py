# how the RGB-T configs fuse one UNIV backbone's two views (univ_mm.RGBTFusionBackbone; ours, no published recipe)
rgbt_fusion = dict(fusion='gate', missing='token', modality_dropout=0.2)
