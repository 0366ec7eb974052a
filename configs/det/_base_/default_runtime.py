# runtime settings: MMDetection's, keeping the last two epochs and the best
_base_ = 'mmdet::_base_/default_runtime.py'
default_hooks = dict(
    checkpoint=dict(
        # MMEngine's CheckpointHook, but pruning only after the new save
        type='univ_mm.SafeCheckpointHook',
        interval=1,
        max_keep_ckpts=2,
        save_best='coco/bbox_mAP',
        rule='greater'))
