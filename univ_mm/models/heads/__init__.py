from .pccl_head import PCCLHead

__all__ = ['PCCLHead']
