"""Infrared and visible semantic segmentation benchmarks (MMSeg 1.x)."""
from .mfnet import MFNetDataset
from .msrs import MSRSDataset
from .scut_seg import SCUTSegDataset
from .soda import SODADataset
from .synthetic import SyntheticSegDataset

__all__ = ['MFNetDataset', 'MSRSDataset', 'SCUTSegDataset', 'SODADataset',
           'SyntheticSegDataset']
