"""Detection data of the training runs: the checked COCO dataset
(:mod:`.checked_coco`, an MMDetection subclass), registered by
:mod:`univ_mm.det`. The converters' VOC-to-COCO helpers are in
:mod:`univ_mm.preparation.voc_coco`."""
