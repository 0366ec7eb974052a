from .algorithms import UNIV
from .backbones import UNIVConvMAE, UNIVVisionTransformer
from .data_preprocessors import PairedDataPreprocessor
from .heads import PCCLHead
from .losses import PCCLLoss

__all__ = ['UNIV', 'UNIVConvMAE', 'UNIVVisionTransformer',
           'PairedDataPreprocessor', 'PCCLHead', 'PCCLLoss']
