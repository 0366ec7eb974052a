"""Transforms for pixel-aligned RGB-infrared image pairs."""
from .formatting import PackPairedInputs, image_to_tensor
from .loading import LoadPairedImages
from .paired import PairedRandomFlip, PairedRandomResizedCrop

__all__ = [
    'LoadPairedImages', 'PackPairedInputs', 'PairedRandomFlip',
    'PairedRandomResizedCrop', 'image_to_tensor'
]
