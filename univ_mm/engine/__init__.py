from .cpu_ddp import CPUDistributedDataParallel
from .hooks import IterationSeedHook, NonFiniteGuardHook, PCCLDistillationHook

__all__ = ['CPUDistributedDataParallel', 'IterationSeedHook',
           'NonFiniteGuardHook', 'PCCLDistillationHook']
