"""Registers what the detection configs build: the checked COCO dataset
(an MMDetection subclass) and the ViT's simple feature pyramid.

``import univ_mm`` leaves them out; the configs import this module
(``custom_imports``, see ``configs/det/_base_/default_runtime.py``).
"""
from univ_mm.datasets.detection.checked_coco import CheckedCocoDataset
from univ_mm.models.necks import SimpleFeaturePyramid

__all__ = ['CheckedCocoDataset', 'SimpleFeaturePyramid']
