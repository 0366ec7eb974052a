from .iteration_seed_hook import IterationSeedHook
from .merged_backbone_export_hook import MergedBackboneExportHook
from .non_finite_guard_hook import NonFiniteGuardHook
from .resume_check_hook import ResumeCheckHook
from .safe_checkpoint_hook import SafeCheckpointHook

__all__ = ['IterationSeedHook', 'MergedBackboneExportHook',
           'NonFiniteGuardHook', 'ResumeCheckHook', 'SafeCheckpointHook']
