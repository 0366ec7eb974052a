from .convmae import ConvMAE, ConvMAEPretrainDecoder
from .univ import UNIV

__all__ = ['ConvMAE', 'ConvMAEPretrainDecoder', 'UNIV']
