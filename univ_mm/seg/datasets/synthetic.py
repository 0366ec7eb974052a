"""The labelled synthetic world as a segmentation benchmark."""
from univ_mm.registry import DATASETS
from univ_mm.synthetic.world import CLASSES

from .mfnet import MFNetDataset


@DATASETS.register_module()
class SyntheticSegDataset(MFNetDataset):
    """The procedural RGB-IR world of ``make demo``, with its class maps.

    ``tools/dataset_converters/synthetic.py`` writes an infrared and a
    visible root in the mmseg layout (``img_dir/{train,test}``,
    ``ann_dir/...``, ``.png``) from what
    ``tools/misc/generate_synthetic_mvip.py --with-labels`` generates. Its
    six classes (:data:`univ_mm.synthetic.world.CLASSES`) all count in
    mIoU. It exists for the newcomer's journey (``make demo-downstream``):
    the numbers it gives say that the pipeline works, not how good a
    backbone is.

    Args:
        **kwargs: Arguments of :class:`MFNetDataset` (suffixes '.png',
            ``reduce_zero_label`` False).
    """

    CONVERTER = ('synthetic.py', 'data/synthetic_labelled')
    METAINFO = dict(
        classes=CLASSES,
        palette=[[70, 130, 180], [128, 64, 128], [70, 70, 70],
                 [107, 142, 35], [220, 20, 60], [0, 0, 142]])
