"""Datasets and transforms of UNIV pre-training.

The downstream datasets are registered by :mod:`univ_mm.seg` and
:mod:`univ_mm.det`; offline preparation (converters' helpers, the MVIP
builder) is :mod:`univ_mm.preparation`, the synthetic world
:mod:`univ_mm.synthetic`, image decoding and file checks
:mod:`univ_mm.image_codecs`.
"""
from .mvip import MVIPDataset
from .transforms import (
    LoadPairedImages,
    PackPairedInputs,
    PairedRandomFlip,
    PairedRandomResizedCrop,
    image_to_tensor,
)

__all__ = [
    'MVIPDataset', 'LoadPairedImages', 'PackPairedInputs', 'PairedRandomFlip',
    'PairedRandomResizedCrop', 'image_to_tensor'
]
