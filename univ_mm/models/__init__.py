from .algorithms import UNIV
from .backbones import RGBTFusionBackbone, UNIVConvMAE, UNIVVisionTransformer
from .data_preprocessors import PairedDataPreprocessor
from .heads import PCCLHead
from .losses import PCCLLoss

__all__ = ['UNIV', 'RGBTFusionBackbone', 'UNIVConvMAE',
           'UNIVVisionTransformer', 'PairedDataPreprocessor', 'PCCLHead',
           'PCCLLoss']
