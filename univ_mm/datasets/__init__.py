"""Datasets and transforms of UNIV pre-training.

The downstream datasets are registered by :mod:`univ_mm.seg` and
:mod:`univ_mm.det`; the tools' helpers (:mod:`.synthetic`,
:mod:`.mvip_builder`, the converters' :mod:`.segmentation.conversion` and
:mod:`.detection.voc_coco`) are imported where they are used.
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
