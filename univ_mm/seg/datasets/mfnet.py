"""MFNet: RGB-thermal urban scenes with nine semantic classes."""
from univ_mm.preparation.classes import MFNET_CLASSES
from univ_mm.registry import DATASETS

from .checked import CheckedSegDataset


@DATASETS.register_module()
class MFNetDataset(CheckedSegDataset):
    """MFNet semantic segmentation, one modality at a time.

    MFNet (Ha et al., IROS 2017,
    https://www.mi.t.u-tokyo.ac.jp/static/projects/mil_multispectral/)
    stores each scene as a 4-channel PNG (R, G, B, thermal).
    ``tools/dataset_converters/mfnet.py`` splits it into a thermal root and
    an RGB root, both in the mmseg layout (``img_dir/{train,val,test}``,
    ``ann_dir/...``) with ``.png`` images and index labels 0..8. Label 0
    (unlabeled) is a class and counts in mIoU, as in UNIP and PAD.

    Args:
        img_suffix (str): Suffix of the images. Defaults to '.png'.
        seg_map_suffix (str): Suffix of the label maps. Defaults to '.png'.
        reduce_zero_label (bool): Whether to drop label 0. Defaults to False.
        **kwargs: Arguments of :class:`CheckedSegDataset`.
    """

    CONVERTER = ('mfnet.py', '/path/to/ir_seg_dataset')
    ROOT_PER_MODALITY = True  # OUT/ir, OUT/rgb
    METAINFO = dict(
        classes=MFNET_CLASSES,
        palette=[[0, 0, 0], [128, 0, 0], [0, 128, 0], [128, 128, 0],
                 [0, 0, 128], [128, 0, 128], [0, 128, 128], [128, 128, 128],
                 [64, 0, 0]])

    def __init__(self, img_suffix: str = '.png', **kwargs) -> None:
        # label maps: BaseSegDataset's '.png', no zero-label reduction
        super().__init__(img_suffix=img_suffix, **kwargs)
