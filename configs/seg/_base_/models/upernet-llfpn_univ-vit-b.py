_base_ = './upernet_univ-vit-b.py'
# model settings: UNIP's last-layer feature pyramid (LL-FPN): all four
# pyramid levels, and so the auxiliary head too, read block 12
# (casiatao/UNIP UNIP_segmentation/train_scripts/train_vit_base.sh:
# model.backbone.out_indices=[11,11,11,11])
model = dict(backbone=dict(out_indices=(11, 11, 11, 11)))
