from .pccl_loss import PCCLLoss

__all__ = ['PCCLLoss']
