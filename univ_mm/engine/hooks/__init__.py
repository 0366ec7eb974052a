from .iteration_seed_hook import IterationSeedHook
from .non_finite_guard_hook import NonFiniteGuardHook
from .pccl_distillation_hook import PCCLDistillationHook
from .safe_checkpoint_hook import SafeCheckpointHook

__all__ = ['IterationSeedHook', 'NonFiniteGuardHook', 'PCCLDistillationHook',
           'SafeCheckpointHook']
