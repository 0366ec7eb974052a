"""Pictures of UNIV pre-training."""
from .pccl_visualizer import PCCLVisualizer, pca_colours

__all__ = ['PCCLVisualizer', 'pca_colours']
