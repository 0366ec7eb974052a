"""SODA: thermal images of indoor and outdoor scenes, 21 classes."""
from mmseg.datasets import PascalVOCDataset

from univ_mm.preparation.classes import SODA_CLASSES
from univ_mm.registry import DATASETS

from .checked import CheckedSegDataset


@DATASETS.register_module()
class SODADataset(CheckedSegDataset):
    """SODA thermal semantic segmentation (the real images).

    SODA (Li et al., "Segmenting Objects in Day and Night", TNNLS 2021,
    https://arxiv.org/abs/1907.10303) ships a labelme-VOC export with
    palette PNG labels; class 0 is the background and counts in mIoU, as
    in UNIP. ``tools/dataset_converters/soda.py`` writes the mmseg layout
    (``img_dir/{train,test}`` with ``.jpg``, ``ann_dir/...`` with ``.png``)
    and keeps the palette indices. The palette is PASCAL VOC's.

    Args:
        **kwargs: Arguments of :class:`CheckedSegDataset`, whose
            defaults fit: ``img_suffix`` '.jpg', ``seg_map_suffix`` '.png',
            ``reduce_zero_label`` False.
    """

    CONVERTER = ('soda.py', '/path/to/SODA')
    METAINFO = dict(
        classes=SODA_CLASSES,
        palette=PascalVOCDataset.METAINFO['palette'])
