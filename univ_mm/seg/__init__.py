"""What the segmentation configs build on MMSegmentation: the benchmarks'
datasets (:mod:`.datasets`) and the RGB-T data preprocessor
(:mod:`.rgbt_data_preprocessor`). The one folder of ``univ_mm`` that imports
MMSegmentation.

``import univ_mm`` leaves it out; the configs import this package
(``custom_imports``, see ``configs/seg/_base_/default_runtime.py``).
"""
from .datasets import (
    MFNetDataset,
    MFNetRGBTDataset,
    MSRSDataset,
    MSRSRGBTDataset,
    SCUTSegDataset,
    SODADataset,
    SyntheticSegDataset,
)
from .rgbt_data_preprocessor import RGBTSegDataPreProcessor

__all__ = ['MFNetDataset', 'MFNetRGBTDataset', 'MSRSDataset',
           'MSRSRGBTDataset', 'RGBTSegDataPreProcessor', 'SCUTSegDataset',
           'SODADataset', 'SyntheticSegDataset']
