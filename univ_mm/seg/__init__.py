"""What the segmentation configs build on MMSegmentation: the benchmarks'
datasets (:mod:`.datasets`). The one folder of ``univ_mm`` that imports
MMSegmentation.

``import univ_mm`` leaves it out; the configs import this package
(``custom_imports``, see ``configs/seg/_base_/default_runtime.py``).
"""
from .datasets import (
    MFNetDataset,
    MSRSDataset,
    SCUTSegDataset,
    SODADataset,
    SyntheticSegDataset,
)

__all__ = ['MFNetDataset', 'MSRSDataset', 'SCUTSegDataset', 'SODADataset',
           'SyntheticSegDataset']
