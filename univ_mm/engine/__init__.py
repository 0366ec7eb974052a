from .cpu_ddp import CPUDistributedDataParallel
from .hooks import IterationSeedHook, NonFiniteGuardHook, PCCLDistillationHook
from .optimizers import LayerDecayOptimWrapperConstructor

__all__ = ['CPUDistributedDataParallel', 'IterationSeedHook',
           'LayerDecayOptimWrapperConstructor', 'NonFiniteGuardHook',
           'PCCLDistillationHook']
