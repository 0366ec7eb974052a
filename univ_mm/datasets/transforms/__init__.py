"""Transforms for pixel-aligned RGB-infrared image pairs (two arrays, or
one fused RGB-T array: :mod:`.rgbt`)."""
from .formatting import PackPairedInputs, image_to_tensor
from .loading import LoadPairedImages
from .paired import PairedRandomFlip, PairedRandomResizedCrop
from .rgbt import LoadRGBTImages, PerModality

__all__ = [
    'LoadPairedImages', 'LoadRGBTImages', 'PackPairedInputs',
    'PairedRandomFlip', 'PairedRandomResizedCrop', 'PerModality',
    'image_to_tensor'
]
