"""Datasets and transforms of UNIV."""
from . import detection, segmentation  # noqa: F401
from .mvip import MVIPDataset
from .synthetic import generate_synthetic_mvip, render_scene
from .transforms import (
    LoadPairedImages,
    PackPairedInputs,
    PairedRandomFlip,
    PairedRandomResizedCrop,
    image_to_tensor,
)

__all__ = [
    'MVIPDataset', 'generate_synthetic_mvip', 'render_scene',
    'LoadPairedImages', 'PackPairedInputs', 'PairedRandomFlip',
    'PairedRandomResizedCrop', 'image_to_tensor'
]
