# runtime settings shared by every UNIV pre-training config
default_scope = 'univ_mm'
# univ_mm's modules, and MMEngine's checkpoints made resumable on torch >= 2.6,
# weights-only and atomic (README, "What univ_mm changes in MMEngine")
custom_imports = dict(
    imports=['univ_mm', 'univ_mm.engine.safe_checkpoints'],
    allow_failed_imports=False)

default_hooks = dict(
    runtime_info=dict(type='RuntimeInfoHook'),
    timer=dict(type='IterTimerHook'),
    logger=dict(type='LoggerHook', interval=50),
    param_scheduler=dict(type='ParamSchedulerHook'),
    # MMEngine's CheckpointHook, but pruning only after the new save
    checkpoint=dict(type='univ_mm.SafeCheckpointHook', interval=10,
                    max_keep_ckpts=3, save_last=True),
    sampler_seed=dict(type='DistSamplerSeedHook'),
)
custom_hooks = [
    # writes the merged student backbone at every save
    dict(type='MergedBackboneExportHook'),
    # stops on a NaN/inf loss; never saves non-finite weights
    dict(type='NonFiniteGuardHook'),
    # seeds each iteration from (seed, iter, rank): resumes replay exactly
    dict(type='IterationSeedHook'),
]

env_cfg = dict(
    # the inputs are a fixed 224 px: cuDNN's autotuner picks once and keeps
    # it (randomness.deterministic=True switches it off again)
    cudnn_benchmark=True,
    mp_cfg=dict(mp_start_method='fork', opencv_num_threads=0),
    # 2 h, not 10 min: ranks 1-7 wait in NCCL while rank 0 checks the MVIP
    # headers, which takes longer than that on cold storage
    dist_cfg=dict(backend='nccl', timeout=7200),
)
log_processor = dict(window_size=10)
vis_backends = [dict(type='LocalVisBackend')]
visualizer = dict(type='Visualizer', vis_backends=vis_backends)
log_level = 'INFO'
load_from = None
resume = False
randomness = dict(seed=7, diff_rank_seed=True)
