"""Registers what the segmentation configs build: the benchmarks' datasets.

They subclass MMSegmentation's, so ``import univ_mm`` leaves them out; the
configs import this module (``custom_imports``, see
``configs/seg/_base_/default_runtime.py``).
"""
from univ_mm.datasets.segmentation import (
    MFNetDataset,
    MSRSDataset,
    SCUTSegDataset,
    SODADataset,
    SyntheticSegDataset,
)

__all__ = ['MFNetDataset', 'MSRSDataset', 'SCUTSegDataset', 'SODADataset',
           'SyntheticSegDataset']
