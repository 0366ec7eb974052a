"""Detection data: the VOC XML to COCO JSON helpers of the converters.

The checked COCO dataset (:mod:`.checked_coco`, an MMDetection subclass) is
registered by :mod:`univ_mm.det`.
"""
from .voc_coco import (
    COCO_OUT,
    CocoBuilder,
    VocAnnotation,
    VocObject,
    VocSample,
    coco_to_voc_box,
    convert_voc_samples,
    parse_voc_xml,
    read_image_size,
    summarize,
    voc_to_coco_box,
    write_coco,
    write_split,
)

__all__ = [
    'COCO_OUT', 'CocoBuilder', 'VocAnnotation', 'VocObject',
    'VocSample',
    'coco_to_voc_box', 'convert_voc_samples', 'parse_voc_xml',
    'read_image_size', 'summarize', 'voc_to_coco_box', 'write_coco',
    'write_split'
]
