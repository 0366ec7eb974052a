"""MMDetection's COCO dataset, checking its images when it is built."""
from mmdet.datasets import CocoDataset

from univ_mm.datasets.validation import drop_or_raise, find_bad_groups
from univ_mm.registry import DATASETS


@DATASETS.register_module()
class CheckedCocoDataset(CocoDataset):
    """:class:`mmdet.datasets.CocoDataset` that checks every image at build.

    Each image must exist, be readable and complete, and have the size its
    COCO record states; the errors name the files and the fix before the
    first iteration. Everything else is ``CocoDataset``'s behaviour
    (categories matched by name through ``metainfo``).

    Args:
        check_images (str): ``'header'``, ``'full'`` (decode everything) or
            ``'none'``. Defaults to 'header'.
        skip_bad_items (bool): Drop bad images and log how many and which,
            instead of raising. Defaults to False.
        **kwargs: Arguments of :class:`mmdet.datasets.CocoDataset`.
    """

    def __init__(self, check_images: str = 'header',
                 skip_bad_items: bool = False, **kwargs) -> None:
        self.check_images = check_images
        self.skip_bad_items = skip_bad_items
        super().__init__(**kwargs)

    def load_data_list(self) -> list[dict]:
        """CocoDataset's list, checked (see the class description)."""
        data_list = super().load_data_list()
        bad = find_bad_groups(
            [(item['img_path'], ) for item in data_list], self.check_images,
            expected_sizes=[(item['height'], item['width'])
                            for item in data_list])
        return drop_or_raise(
            data_list, bad, self.skip_bad_items, type(self).__name__,
            f'Fix the images or {self.ann_file}, re-run the converter, or '
            'set skip_bad_items=True to train without them.')
