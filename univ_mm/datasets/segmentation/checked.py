"""A segmentation dataset that checks its files when it is built."""
from mmseg.datasets import BaseSegDataset

from univ_mm.datasets.validation import drop_or_raise, find_bad_groups


class CheckedSegDataset(BaseSegDataset):
    """:class:`mmseg.datasets.BaseSegDataset` that checks every item at build.

    Each image and its label map must exist, be readable and complete, and
    have the same size; an empty folder or a wrong root is an error too. The
    errors name the files and the fix, before the first iteration.

    Args:
        check_images (str): ``'header'``, ``'full'`` (decode everything) or
            ``'none'``. Defaults to 'header'.
        skip_bad_items (bool): Drop bad items and log how many and which,
            instead of raising. Defaults to False.
        **kwargs: Arguments of :class:`mmseg.datasets.BaseSegDataset`.
    """

    def __init__(self, check_images: str = 'header',
                 skip_bad_items: bool = False, **kwargs) -> None:
        self.check_images = check_images
        self.skip_bad_items = skip_bad_items
        super().__init__(**kwargs)

    def load_data_list(self) -> list[dict]:
        """Mmseg's list, checked (see the class description)."""
        name = type(self).__name__
        data_list = super().load_data_list()
        if not data_list:
            raise FileNotFoundError(
                f'{name}: no "*{self.img_suffix}" image under '
                f'{self.data_prefix.get("img_path")!r}. Check data_root and '
                'data_prefix, or run the converter in '
                'tools/dataset_converters first.')
        groups = [(item['img_path'], item['seg_map_path'])
                  for item in data_list]
        bad = find_bad_groups(groups, self.check_images)
        return drop_or_raise(
            data_list, bad, self.skip_bad_items, name,
            'Re-run the converter, replace or remove these files, or set '
            'skip_bad_items=True to train without them.')
