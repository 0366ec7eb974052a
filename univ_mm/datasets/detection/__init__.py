"""Detection data: a checked COCO dataset and the VOC XML to COCO JSON
helpers of the converters."""
from .checked_coco import CheckedCocoDataset
from .voc_coco import (
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
    'CheckedCocoDataset', 'CocoBuilder', 'VocAnnotation', 'VocObject',
    'VocSample',
    'coco_to_voc_box', 'convert_voc_samples', 'parse_voc_xml',
    'read_image_size', 'summarize', 'voc_to_coco_box', 'write_coco',
    'write_split'
]
