"""MMDetection's COCO dataset, checking its images when it is built."""
from mmdet.datasets import CocoDataset

from univ_mm.datasets.validation import CheckedDatasetMixin
from univ_mm.registry import DATASETS


@DATASETS.register_module()
class CheckedCocoDataset(CheckedDatasetMixin, CocoDataset):
    """:class:`mmdet.datasets.CocoDataset` that checks every image at build.

    Each image must exist, be readable and complete, and have the size its
    COCO record states; the errors name the files and the fix before the
    first iteration. Everything else is ``CocoDataset``'s behaviour
    (categories matched by name through ``metainfo``).

    Args:
        **kwargs: ``check_images`` and ``skip_bad_items`` of
            :class:`~univ_mm.datasets.validation.CheckedDatasetMixin`, and
            the arguments of :class:`mmdet.datasets.CocoDataset`.
    """

    def load_data_list(self) -> list[dict]:
        """CocoDataset's list, checked (see the class description)."""
        data_list = super().load_data_list()
        return self._checked(
            data_list, [(item['img_path'], ) for item in data_list],
            f'Fix the images or {self.ann_file}, re-run the converter, or '
            'set skip_bad_items=True to train without them.',
            expected_sizes=[(item['height'], item['width'])
                            for item in data_list])
