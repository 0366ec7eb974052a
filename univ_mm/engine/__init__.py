from .hooks import PCCLDistillationHook

__all__ = ['PCCLDistillationHook']
