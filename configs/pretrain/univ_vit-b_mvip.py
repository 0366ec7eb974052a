# UNIV pre-training, official recipe on ViT-B/16: 8 GPUs x 32 pairs,
# 400 epochs of MVIP. Override the teacher with
#   --cfg-options model.teacher.init_cfg.checkpoint=PATH_OR_URL
_base_ = [
    '../_base_/models/univ_vit-b.py',
    '../_base_/datasets/mvip.py',
    '../_base_/schedules/adamw_400e.py',
    '../_base_/default_runtime.py',
]
