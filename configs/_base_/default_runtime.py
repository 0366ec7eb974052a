# runtime settings shared by every UNIV pre-training config
default_scope = 'univ_mm'
custom_imports = dict(
    imports=['univ_mm', 'univ_mm.engine.safe_checkpoints'],
    allow_failed_imports=False)

default_hooks = dict(
    runtime_info=dict(type='RuntimeInfoHook'),
    timer=dict(type='IterTimerHook'),
    logger=dict(type='LoggerHook', interval=50),
    param_scheduler=dict(type='ParamSchedulerHook'),
    checkpoint=dict(type='univ_mm.SafeCheckpointHook', interval=10,
                    max_keep_ckpts=3, save_last=True),
    sampler_seed=dict(type='DistSamplerSeedHook'),
)
custom_hooks = [
    dict(type='MergedBackboneExportHook'),
    dict(type='NonFiniteGuardHook'),
    dict(type='IterationSeedHook'),
]

env_cfg = dict(
    cudnn_benchmark=True,
    mp_cfg=dict(mp_start_method='fork', opencv_num_threads=0),
    dist_cfg=dict(backend='nccl', timeout=7200),
)
log_processor = dict(window_size=10)
vis_backends = [dict(type='LocalVisBackend')]
visualizer = dict(type='Visualizer', vis_backends=vis_backends)
log_level = 'INFO'
load_from = None
resume = False
randomness = dict(seed=7, diff_rank_seed=True)
