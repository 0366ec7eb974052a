"""COCO detection of pixel-aligned RGB-thermal (RGB-T) pairs."""
import os.path as osp

from univ_mm.registry import DATASETS

from .checked_coco import CheckedCocoDataset

#: The converters that write ``annotations_coco/rgbt_{split}.json``.
RGBT_CONVERTERS = ('tools/dataset_converters/flir.py aligned ROOT, '
                   'llvip.py ROOT or m3fd.py ROOT')


@DATASETS.register_module()
class RGBTCocoDataset(CheckedCocoDataset):
    """:class:`CheckedCocoDataset` whose images are RGB-thermal pairs.

    Each image record of ``ann_file`` holds ``file_name`` (the RGB image)
    and ``ir_file_name`` (its pixel-aligned thermal twin), both relative to
    ``data_root`` / ``data_prefix['img']``, as in the ``rgbt_{split}.json``
    the converters write (:data:`RGBT_CONVERTERS`). Every item gets
    ``ir_path``; both images are checked (``check_images``) against the
    size the record states.

    Args:
        **kwargs: Arguments of :class:`CheckedCocoDataset`.
    """

    def parse_data_info(self, raw_data_info: dict) -> dict:
        """CocoDataset's item with ``ir_path`` added.

        Args:
            raw_data_info (dict): ``raw_img_info`` and ``raw_ann_info`` of
                one image.

        Returns:
            dict: The parsed item.
        """
        img_info = raw_data_info['raw_img_info']
        if 'ir_file_name' not in img_info:
            raise KeyError(
                f'{type(self).__name__}: image {img_info.get("file_name")!r}'
                f' of {self.ann_file} has no "ir_file_name"; it is not an '
                'RGB-T annotation file. Use the annotations_coco/'
                'rgbt_{split}.json that the converters write (run '
                f'{RGBT_CONVERTERS}).')
        data_info = super().parse_data_info(raw_data_info)
        data_info['ir_path'] = osp.join(self.data_prefix['img'],
                                        img_info['ir_file_name'])
        return data_info
