"""Infrared and visible semantic segmentation benchmarks (MMSeg 1.x)."""
from .mfnet import MFNetDataset
from .msrs import MSRSDataset
from .rgbt import MFNetRGBTDataset, MSRSRGBTDataset
from .scut_seg import SCUTSegDataset
from .soda import SODADataset
from .synthetic import SyntheticSegDataset

__all__ = ['MFNetDataset', 'MFNetRGBTDataset', 'MSRSDataset',
           'MSRSRGBTDataset', 'SCUTSegDataset', 'SODADataset',
           'SyntheticSegDataset']
