from .pccl_distillation_hook import PCCLDistillationHook

__all__ = ['PCCLDistillationHook']
