"""A segmentation dataset that checks its files when it is built."""
from mmseg.datasets import BaseSegDataset

from univ_mm.datasets.validation import CheckedDatasetMixin


class CheckedSegDataset(CheckedDatasetMixin, BaseSegDataset):
    """:class:`mmseg.datasets.BaseSegDataset` that checks every item at build.

    Each image and its label map must exist, be readable and complete, and
    have the same size; an empty folder or a wrong root is an error too. The
    errors name the files and the fix, before the first iteration.

    Args:
        **kwargs: ``check_images`` and ``skip_bad_items`` of
            :class:`~univ_mm.datasets.validation.CheckedDatasetMixin`, and
            the arguments of :class:`mmseg.datasets.BaseSegDataset`.
    """

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
        return self._checked(
            data_list,
            [(item['img_path'], item['seg_map_path']) for item in data_list],
            'Re-run the converter, replace or remove these files, or set '
            'skip_bad_items=True to train without them.')
