"""What the detection configs build on MMDetection: the checked COCO dataset
(:mod:`.checked_coco`), its RGB-T variant (:mod:`.rgbt_coco`) and data
preprocessor (:mod:`.rgbt_data_preprocessor`), and the ViT's simple
feature pyramid (:mod:`.simple_feature_pyramid`). The one folder of
``univ_mm`` that imports MMDetection.

``import univ_mm`` leaves it out; the configs import this package
(``custom_imports``, see ``configs/det/_base_/default_runtime.py``).
"""
from .checked_coco import CheckedCocoDataset
from .rgbt_coco import RGBTCocoDataset
from .rgbt_data_preprocessor import RGBTDetDataPreProcessor
from .simple_feature_pyramid import SimpleFeaturePyramid

__all__ = ['CheckedCocoDataset', 'RGBTCocoDataset', 'RGBTDetDataPreProcessor',
           'SimpleFeaturePyramid']
