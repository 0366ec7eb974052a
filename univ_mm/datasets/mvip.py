"""MVIP: aligned RGB-infrared image pairs for UNIV pre-training."""
import os.path as osp
from collections import Counter
from collections.abc import Sequence

from mmengine import fileio
from mmengine.dataset import BaseDataset
from mmengine.logging import MMLogger

from univ_mm.datasets.validation import CheckedDatasetMixin
from univ_mm.image_codecs.listing import IMG_SUFFIXES, short_list
from univ_mm.registry import DATASETS


@DATASETS.register_module()
class MVIPDataset(CheckedDatasetMixin, BaseDataset):
    """MVIP: pixel-aligned visible (RGB) and infrared (IR) image pairs.

    UNIV: Unified Foundation Model for Infrared and Visible Modalities,
    https://arxiv.org/abs/2509.15642. The authors' layout is
    ``<data_root>/<source>/vi_images/<split>/<name>`` for RGB and
    ``<data_root>/<source>/images/<split>/<name>`` for IR; a pair is two
    files with the same name. Each item of the data list is
    ``dict(rgb_path, ir_path, source, pair_name)``; pre-training needs no
    labels. Items keep the order of ``sources`` and sorted file names.

    Args:
        data_root (str): Folder that holds the source folders.
        sources (Sequence[str], optional): Source folders to read, in order.
            Defaults to None, meaning :attr:`OFFICIAL_SOURCES`.
        split (str): Sub-folder of each modality folder. Defaults to
            'training'.
        rgb_folder (str): Folder of the RGB images inside a source.
            Defaults to 'vi_images'.
        ir_folder (str): Folder of the IR images inside a source.
            Defaults to 'images'.
        ann_file (str): Optional pair list that replaces the folder scan:
            a text file with ``rgb_relpath ir_relpath`` per line (``#``
            comments and blank lines skipped) or a ``.json`` list of
            ``{"rgb": ..., "ir": ...}``, paths relative to ``data_root``.
            Defaults to ''.
        backend_args (dict, optional): File backend arguments of
            :mod:`mmengine.fileio`. Defaults to None.
        hold_out (int): Pairs per source (per ``ann_file`` with a list)
            set aside for validation, evenly spaced over its sorted pairs;
            they are left out of this dataset. Defaults to 0.
        held_out_only (bool): Keep only the ``hold_out`` pairs instead:
            the validation set that matches a training set built with the
            same ``hold_out``. Defaults to False.
        **kwargs: ``check_images`` and ``skip_bad_items`` of
            :class:`~univ_mm.datasets.validation.CheckedDatasetMixin` (how
            every image is checked when the dataset is built: ``'header'``
            also rejects JPEGs the pipeline's decoder cannot decode (CMYK,
            YCCK, lossless, not 8-bit), ``'full'`` also corrupt or truncated
            data; with ``skip_bad_items=True`` unpaired, unreadable,
            truncated, undecodable or mismatched pairs are dropped and
            logged instead of raising), and
            the arguments of :class:`mmengine.dataset.BaseDataset`
            (``pipeline``, ``test_mode``, ``lazy_init``, ``indices``...).
    """

    METAINFO = {'dataset_name': 'MVIP', 'modalities': ('rgb', 'ir')}
    #: LoadPairedImages decodes JPEGs with libjpeg-turbo in every mode: the
    #: check rejects what it refuses (CMYK, lossless, corrupt data...).
    IMAGE_DECODER = 'turbojpeg'
    OFFICIAL_SOURCES = ('FLIR-ALIGN', 'KAIST_MMSEG', 'LasHeR0428_rename',
                        'LLVIP', 'VisDrone')

    def __init__(self,
                 data_root: str,
                 sources: Sequence[str] | None = None,
                 split: str = 'training',
                 rgb_folder: str = 'vi_images',
                 ir_folder: str = 'images',
                 ann_file: str = '',
                 backend_args: dict | None = None,
                 hold_out: int = 0,
                 held_out_only: bool = False,
                 **kwargs) -> None:
        if hold_out < 0 or (held_out_only and hold_out == 0):
            raise ValueError(f'MVIPDataset: hold_out must be >= 0, and > 0 '
                             f'with held_out_only; got hold_out={hold_out}, '
                             f'held_out_only={held_out_only}.')
        self.hold_out = hold_out
        self.held_out_only = held_out_only
        if sources is None:
            sources = self.OFFICIAL_SOURCES
        self.sources = (sources, ) if isinstance(sources, str) else tuple(
            sources)
        if not self.sources and not ann_file:
            raise ValueError('MVIPDataset: `sources` is empty; name at '
                             'least one source folder.')
        duplicated = [s for s, n in Counter(self.sources).items() if n > 1]
        if duplicated:
            raise ValueError(f'MVIPDataset: sources listed twice: '
                             f'{duplicated}; give each source once.')
        self.split = split
        self.rgb_folder = rgb_folder
        self.ir_folder = ir_folder
        self.backend_args = backend_args.copy() if backend_args else None
        if '://' not in str(data_root):
            data_root = osp.abspath(data_root)
        super().__init__(data_root=data_root, ann_file=ann_file, **kwargs)

    def load_data_list(self) -> list[dict]:
        """Build the list of pairs from ``ann_file`` or the source folders.

        Returns:
            list[dict]: One ``dict(rgb_path, ir_path, source, pair_name)``
            per pair.
        """
        if not fileio.isdir(self.data_root, backend_args=self.backend_args):
            raise FileNotFoundError(
                f'MVIPDataset: data_root {self.data_root!r} is not a '
                f'folder. Set data_root to the folder that holds the MVIP '
                f'sources (e.g. data/MVIP).')
        if self.ann_file:
            data_list = self._split_held_out(self._load_pair_list(),
                                            self.ann_file)
            counts = {'list': len(data_list)}
        else:
            self._check_sources_exist()
            data_list, counts = [], {}
            for source in self.sources:
                pairs = self._split_held_out(self._scan_source(source),
                                             source)
                counts[source] = len(pairs)
                data_list.extend(pairs)
        data_list = self._drop_or_raise_bad_pairs(data_list)
        summary = ', '.join(f'{s}: {n}' for s, n in counts.items())
        role = ('validation' if self.test_mode or self.held_out_only else
                'training')
        held = (f', the {self.hold_out} held out per source' if
                self.held_out_only else f', {self.hold_out} per source held '
                'out' if self.hold_out else '')
        MMLogger.get_current_instance().info(
            f'MVIPDataset ({role} set{held}; folder split {self.split!r}): '
            f'{len(data_list)} pairs ({summary}) from {self.data_root}')
        return data_list

    def _split_held_out(self, pairs: list[dict], where: str) -> list[dict]:
        """The held-out pairs (``held_out_only``) or the others, of the
        pairs of one source or pair list (``where``)."""
        if not self.hold_out:
            return pairs
        if self.hold_out >= len(pairs):
            raise ValueError(
                f'MVIPDataset: hold_out={self.hold_out} leaves no training '
                f'pair in {where!r} ({len(pairs)} pairs); lower hold_out.')
        step = len(pairs) / self.hold_out
        held = {int(k * step) for k in range(self.hold_out)}
        return [pair for i, pair in enumerate(pairs)
                if (i in held) == self.held_out_only]

    def _drop_or_raise_bad_pairs(self, data_list: list[dict]) -> list[dict]:
        """Check every image of every pair (see ``check_images``)."""
        data_list = self._checked(
            data_list, [(d['rgb_path'], d['ir_path']) for d in data_list],
            'Replace or remove these files, list only good pairs in '
            '`ann_file`, or set skip_bad_items=True to train without them.')
        if not data_list:
            raise ValueError('MVIPDataset: no usable pair is left.')
        return data_list

    def _join(self, *parts: str) -> str:
        """Join path parts under ``data_root``, skipping empty parts."""
        return fileio.join_path(
            self.data_root, *[p for p in parts if p],
            backend_args=self.backend_args)

    def _check_sources_exist(self) -> None:
        """Raise when a requested source folder is missing."""
        missing = [s for s in self.sources if not fileio.isdir(
            self._join(s), backend_args=self.backend_args)]
        if not missing:
            return
        found = sorted(fileio.list_dir_or_file(
            self.data_root, list_file=False, backend_args=self.backend_args))
        usable = [s for s in self.sources if s not in missing] or found
        raise FileNotFoundError(
            f'MVIPDataset: source folder(s) {missing} not found under '
            f'{self.data_root!r}. Sources found there: {found}. Download '
            f'the missing sources or pass sources={usable!r}.')

    def _list_images(self, folder: str) -> list[str]:
        """Sorted image file names directly inside ``folder``."""
        if not fileio.isdir(folder, backend_args=self.backend_args):
            return []
        names = fileio.list_dir_or_file(
            folder, list_dir=False, backend_args=self.backend_args)
        return sorted(n for n in names if n.lower().endswith(IMG_SUFFIXES))

    def _scan_source(self, source: str) -> list[dict]:
        """Pair the RGB and IR images of one source by file name."""
        rgb_dir = self._join(source, self.rgb_folder, self.split)
        ir_dir = self._join(source, self.ir_folder, self.split)
        rgb_names, ir_names = self._list_images(rgb_dir), self._list_images(
            ir_dir)
        if not rgb_names or not ir_names:
            empty = rgb_dir if not rgb_names else ir_dir
            raise FileNotFoundError(
                f'MVIPDataset: source {source!r} has no images in '
                f'{empty!r} (suffixes {IMG_SUFFIXES}). Check split='
                f'{self.split!r}, rgb_folder and ir_folder, or drop the '
                f'source from `sources`.')
        paired = self._paired_names(source, rgb_dir, ir_dir, rgb_names,
                                    ir_names)
        return [
            {'rgb_path': self._join(source, self.rgb_folder, self.split, n),
             'ir_path': self._join(source, self.ir_folder, self.split, n),
             'source': source, 'pair_name': n} for n in paired
        ]

    def _paired_names(self, source: str, rgb_dir: str, ir_dir: str,
                      rgb_names: list[str], ir_names: list[str]) -> list[str]:
        """Names present in both modalities; the others raise or are
        skipped (``skip_bad_items``) with a report."""
        ir_set, rgb_set = set(ir_names), set(rgb_names)
        rgb_only = [n for n in rgb_names if n not in ir_set]
        ir_only = [n for n in ir_names if n not in rgb_set]
        if rgb_only or ir_only:
            message = (
                f'MVIPDataset: source {source!r} has unpaired images. '
                f'{len(rgb_only)} RGB image(s) in {rgb_dir!r} have no IR '
                f'partner: {short_list(rgb_only, 10)}; {len(ir_only)} IR '
                f'image(s) in {ir_dir!r} have no RGB partner: '
                f'{short_list(ir_only, 10)}.')
            if not self.skip_bad_items:
                raise FileNotFoundError(
                    f'{message} Pairs must share a file name: restore or '
                    f'remove these files, list the pairs in `ann_file`, or '
                    f'set skip_bad_items=True.')
            MMLogger.get_current_instance().warning(f'{message} Skipped.')
        return [n for n in rgb_names if n in ir_set]

    def _read_list_entries(self) -> list[tuple[str, object]]:
        """Read ``ann_file`` as ``(location, entry)`` items."""
        if self.ann_file.lower().endswith('.json'):
            entries = fileio.load(
                self.ann_file, file_format='json',
                backend_args=self.backend_args)
            if not isinstance(entries, list):
                raise ValueError(
                    f'MVIPDataset: {self.ann_file!r} must hold a JSON list '
                    f'of {{"rgb": ..., "ir": ...}} objects.')
            return [(f'entry {i}', e) for i, e in enumerate(entries)]
        text = fileio.get_text(self.ann_file, backend_args=self.backend_args)
        return [(f'line {i}', line.split())
                for i, line in enumerate(text.splitlines(), start=1)
                if line.strip() and not line.lstrip().startswith('#')]

    def _entry_paths(self, where: str, entry: object) -> dict[str, str]:
        """Absolute ``rgb`` and ``ir`` paths of one list entry, checked."""
        if isinstance(entry, dict) and {'rgb', 'ir'} <= entry.keys():
            entry = [entry['rgb'], entry['ir']]
        if not (isinstance(entry, list) and len(entry) == 2
                and all(isinstance(p, str) for p in entry)):
            raise ValueError(
                f'MVIPDataset: {self.ann_file!r} {where} is malformed: '
                f'{entry!r}. Expected "rgb_relpath ir_relpath" (text) or '
                f'{{"rgb": ..., "ir": ...}} (json).')
        paths = {'rgb': self._join(entry[0]), 'ir': self._join(entry[1])}
        for key, path in paths.items():
            if not fileio.isfile(path, backend_args=self.backend_args):
                raise FileNotFoundError(
                    f'MVIPDataset: {self.ann_file!r} {where}: the {key} '
                    f'file {path!r} does not exist. Fix or remove that '
                    f'entry.')
        return paths

    def _load_pair_list(self) -> list[dict]:
        """Build the data list from ``ann_file``."""
        data_list = []
        for where, entry in self._read_list_entries():
            paths = self._entry_paths(where, entry)
            data_list.append(
                {'rgb_path': paths['rgb'], 'ir_path': paths['ir'],
                 'source': 'list', 'pair_name': osp.basename(paths['rgb'])})
        if not data_list:
            raise ValueError(f'MVIPDataset: {self.ann_file!r} lists no '
                             f'pairs; add "rgb_relpath ir_relpath" lines or '
                             f'leave ann_file empty.')
        return data_list

