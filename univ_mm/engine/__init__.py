from .cpu_ddp import CPUDistributedDataParallel
from .hooks import (
    IterationSeedHook,
    MergedBackboneExportHook,
    NonFiniteGuardHook,
)
from .optimizers import LayerDecayOptimWrapperConstructor

__all__ = ['CPUDistributedDataParallel', 'IterationSeedHook',
           'LayerDecayOptimWrapperConstructor', 'MergedBackboneExportHook',
           'NonFiniteGuardHook']
