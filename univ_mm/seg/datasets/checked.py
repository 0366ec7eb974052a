"""A segmentation dataset that checks its files when it is built."""
import os.path as osp

from mmseg.datasets import BaseSegDataset

from univ_mm.datasets.validation import CheckedDatasetMixin


class CheckedSegDataset(CheckedDatasetMixin, BaseSegDataset):
    """:class:`mmseg.datasets.BaseSegDataset` that checks every item at build.

    Each image and its label map must exist, be readable and complete, and
    have the same size; an empty folder or a wrong root is an error too. The
    errors name the files and the fix, before the first iteration; a
    missing image folder names the converter command (:attr:`CONVERTER`).

    Args:
        **kwargs: ``check_images`` and ``skip_bad_items`` of
            :class:`~univ_mm.datasets.validation.CheckedDatasetMixin`, and
            the arguments of :class:`mmseg.datasets.BaseSegDataset`.
    """

    #: ``(script, source)``: the converter in ``tools/dataset_converters/``
    #: that writes this dataset, and what it reads (the official download).
    CONVERTER: tuple[str, str]
    #: Whether the converter writes one root per modality (``OUT/ir``,
    #: ``OUT/rgb``), so that ``data_root`` is a folder below its output.
    ROOT_PER_MODALITY = False

    def convert_command(self) -> str:
        """The command that writes this dataset into its ``data_root``."""
        script, source = self.CONVERTER
        out_dir = osp.normpath(self.data_root or '.')
        if self.ROOT_PER_MODALITY:
            out_dir = osp.dirname(out_dir) or '.'
        return (f'python tools/dataset_converters/{script} {source} '
                f'-o {out_dir}')

    def _require_img_dir(self) -> None:
        """Raise ``FileNotFoundError`` naming the converter command when the
        image folder does not exist (local data only)."""
        img_dir = self.data_prefix.get('img_path', '')
        if '://' in img_dir or osp.isdir(img_dir):
            return
        raise FileNotFoundError(
            f'{type(self).__name__}: image folder {img_dir!r} not found; '
            'the dataset has not been converted there. Run '
            f'`{self.convert_command()}`, or set the dataset\'s data_root '
            '(--cfg-options <split>_dataloader.dataset.data_root=PATH) to '
            'where it was converted.')

    def load_data_list(self) -> list[dict]:
        """Mmseg's list, checked (see the class description)."""
        name = type(self).__name__
        self._require_img_dir()
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
