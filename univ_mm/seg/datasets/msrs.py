"""MSRS: the official UNIV infrared segmentation benchmark."""
from univ_mm.preparation.classes import MSRS_CLASSES
from univ_mm.registry import DATASETS

from .mfnet import MFNetDataset


@DATASETS.register_module()
class MSRSDataset(MFNetDataset):
    """MSRS semantic segmentation (infrared or visible side).

    MSRS (Tang et al., https://github.com/Linfeng-Tang/MSRS) keeps 1,444 of
    MFNet's scenes with re-registered, enhanced infrared images: 1,083
    train / 361 test, the nine MFNet classes. UNIV (arXiv 2509.15642,
    https://arxiv.org/abs/2509.15642) reports mIoU on its infrared side.
    ``tools/dataset_converters/msrs.py`` writes an infrared and a visible
    root in the mmseg layout (``img_dir/{train,test}``, ``ann_dir/...``,
    ``.png``). Label 0 (unlabelled) counts in mIoU.

    Args:
        **kwargs: Arguments of :class:`MFNetDataset` (suffixes default to
            '.png', ``reduce_zero_label`` to False).
    """

    CONVERTER = ('msrs.py', '/path/to/MSRS')
    METAINFO = dict(
        classes=MSRS_CLASSES,
        palette=MFNetDataset.METAINFO['palette'])
