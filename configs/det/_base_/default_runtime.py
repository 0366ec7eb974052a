# runtime settings: MMDetection's, keeping the last two epochs and the best
_base_ = 'mmdet::_base_/default_runtime.py'
custom_imports = dict(
    imports=['univ_mm.det', 'univ_mm.engine.safe_checkpoints'],
    allow_failed_imports=False)
default_hooks = dict(
    checkpoint=dict(
        type='univ_mm.SafeCheckpointHook',
        interval=1,
        max_keep_ckpts=2,
        save_best='coco/bbox_mAP',
        rule='greater'))
