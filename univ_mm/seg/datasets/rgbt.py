"""MFNet and MSRS as pixel-aligned RGB-thermal (RGB-T) pairs."""
import os.path as osp

from univ_mm.registry import DATASETS

from .mfnet import MFNetDataset
from .msrs import MSRSDataset


class RGBTSegMixin:
    """Adds the thermal twin of every RGB image to a checked seg dataset.

    Put it first among the bases of a
    :class:`~univ_mm.seg.datasets.checked.CheckedSegDataset` subclass whose
    converter writes one root per modality with the same file names
    (``OUT/rgb``, ``OUT/ir``). ``data_root`` is the converter's output
    (``OUT``); ``data_prefix`` names the RGB images (``img_path``), the
    thermal images (``ir_path``) and the label maps (``seg_map_path``),
    e.g. ``dict(img_path='rgb/img_dir/train',
    ir_path='ir/img_dir/train', seg_map_path='ir/ann_dir/train')``.

    Every item gets ``ir_path``; a missing thermal twin is an error naming
    it and the converter command, and the thermal image must be readable
    and of its RGB twin's size (the checks of ``check_images``).
    """

    ROOT_PER_MODALITY = False  # data_root is the converter's output

    def _ir_twin(self, img_path: str) -> str:
        """The thermal file with the name of the RGB file ``img_path``."""
        name = osp.relpath(img_path, self.data_prefix['img_path'])
        return osp.join(self.data_prefix['ir_path'], name)

    def _require_ir_prefix(self) -> None:
        """Raise ``KeyError`` when ``data_prefix`` names no thermal
        folder."""
        if 'ir_path' not in self.data_prefix:
            raise KeyError(
                f'{type(self).__name__} needs data_prefix["ir_path"], the '
                'folder of the thermal images under data_root (e.g. '
                "'ir/img_dir/train'); got data_prefix="
                f'{self.data_prefix}.')

    def _require_ir_files(self, data_list: list[dict]) -> None:
        """Raise ``FileNotFoundError`` naming the missing thermal twins and
        the converter command (local data only)."""
        if '://' in self.data_prefix['ir_path']:
            return
        missing = [item['ir_path'] for item in data_list
                   if not osp.isfile(item['ir_path'])]
        if not missing:
            return
        listing = '\n  '.join(missing[:10])
        more = f'\n  ... and {len(missing) - 10} more' if len(
            missing) > 10 else ''
        raise FileNotFoundError(
            f'{type(self).__name__}: {len(missing)} of {len(data_list)} RGB '
            f'images have no thermal twin of the same name:\n  {listing}'
            f'{more}\nRun `{self.convert_command()}`, or set data_root and '
            'data_prefix["ir_path"] to where the thermal images were '
            'converted.')

    def _checked(self, data_list: list, groups, fix: str,
                 expected_sizes=None) -> list:
        """Give every item its ``ir_path`` first; the one check of the
        list then reads it with the item's other files."""
        self._require_ir_prefix()
        for item in data_list:
            item['ir_path'] = self._ir_twin(item['img_path'])
        self._require_ir_files(data_list)
        return super()._checked(
            data_list, groups, 'The RGB and thermal images of a pair must '
            f'be pixel-aligned. {fix}', expected_sizes)


@DATASETS.register_module()
class MFNetRGBTDataset(RGBTSegMixin, MFNetDataset):
    """MFNet RGB-T: each RGB scene with its thermal image, MFNet's labels.

    Reads both roots of ``tools/dataset_converters/mfnet.py`` (see
    :class:`RGBTSegMixin`); classes, palette and suffixes are
    :class:`MFNetDataset`'s.

    Args:
        **kwargs: Arguments of :class:`MFNetDataset`; ``data_prefix`` also
            holds ``ir_path``.
    """


@DATASETS.register_module()
class MSRSRGBTDataset(RGBTSegMixin, MSRSDataset):
    """MSRS RGB-T: each visible scene with its infrared image.

    Reads both roots of ``tools/dataset_converters/msrs.py`` (see
    :class:`RGBTSegMixin`); classes, palette and suffixes are
    :class:`MSRSDataset`'s.

    Args:
        **kwargs: Arguments of :class:`MSRSDataset`; ``data_prefix`` also
            holds ``ir_path``.
    """
