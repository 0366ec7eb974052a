from .masked_convmae import MaskedConvMAE
from .rgbt_fusion import RGBTFusionBackbone
from .univ_convmae import UNIVConvMAE
from .univ_vit import LORA_TARGETS, UNIVVisionTransformer

__all__ = [
    'LORA_TARGETS', 'MaskedConvMAE', 'RGBTFusionBackbone', 'UNIVConvMAE',
    'UNIVVisionTransformer'
]
