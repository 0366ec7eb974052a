"""SCUT-Seg: thermal road scenes from SCUT FIR Pedestrian, 10 classes."""
from univ_mm.preparation.classes import SCUT_SEG_CLASSES, SCUT_SEG_RAW_IDS
from univ_mm.registry import DATASETS

from .checked import CheckedSegDataset


@DATASETS.register_module()
class SCUTSegDataset(CheckedSegDataset):
    """SCUT-Seg thermal semantic segmentation.

    SCUT-Seg (Xiong et al., MCNet, Infrared Physics & Technology 2021,
    https://github.com/haitaobiyao/MCNet) labels 2,010 thermal frames with
    Cityscapes-style raw ids. ``tools/dataset_converters/scut_seg.py``
    remaps them to 0..9 (:data:`RAW_IDS` order) and writes the mmseg layout
    (``img_dir/{train,val}`` with ``.jpg``, ``ann_dir/...`` with ``.png``).
    Class 0 (background) counts in mIoU, as in UNIP.

    Args:
        **kwargs: Arguments of :class:`CheckedSegDataset`, whose
            defaults fit: ``img_suffix`` '.jpg', ``seg_map_suffix`` '.png',
            ``reduce_zero_label`` False.
    """

    CONVERTER = ('scut_seg.py', '/path/to/SCUT-Seg')
    METAINFO = dict(
        classes=SCUT_SEG_CLASSES,
        palette=[[0, 0, 0], [128, 64, 128], [60, 20, 220], [0, 0, 255],
                 [142, 0, 0], [70, 0, 0], [153, 153, 190], [35, 142, 107],
                 [100, 60, 0], [153, 153, 153]])
    #: Raw label id of each class, in class order (the official release).
    RAW_IDS = SCUT_SEG_RAW_IDS
