"""Helpers shared by the segmentation converters.

The converters of :mod:`univ_mm.preparation.converters` (``msrs``,
``soda``, ``mfnet``, ``scut_seg``, ``synthetic``; the command lines are in
``tools/dataset_converters/``) turn a download into the mmseg layout
(``img_dir/<split>``, ``ann_dir/<split>``). Labels are read with Pillow,
so palette PNGs give their indices and never their colours, and written
as single-channel index PNGs that every decoder reads the same.
"""
import shutil
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from mmengine.utils import track_progress
from PIL import Image

from univ_mm.image_codecs.listing import short_list

#: Value of pixels that the loss and the metric ignore.
IGNORE_INDEX = 255


def require(path: Path, what: str, hint: str) -> Path:
    """Return ``path``; raise ``FileNotFoundError`` naming it if absent.

    Args:
        path (Path): A file or folder that must exist.
        what (str): What it is, e.g. 'MSRS train label folder'.
        hint (str): What the user should do about it.
    """
    if not path.exists():
        raise FileNotFoundError(f'{what} not found: {path}. {hint}')
    return path


def raise_if_any(problems: Sequence[object], message: str) -> None:
    """Raise ``FileNotFoundError`` with ``message`` when ``problems``."""
    if problems:
        raise FileNotFoundError(
            f'{message} {len(problems)} case(s): {short_list(problems)}')


def missing_in(folder: Path, stems: Sequence[str], suffix: str) -> list[str]:
    """The ``stems`` that have no ``<stem><suffix>`` file in ``folder``."""
    return [s for s in stems if not (folder / f'{s}{suffix}').is_file()]


def read_split_list(path: Path, hint: str) -> list[str]:
    """Non-empty, stripped lines of a split file.

    Raises:
        FileNotFoundError: The file does not exist.
        ValueError: The file lists nothing.
    """
    require(path, 'split list', hint)
    lines = [line.strip() for line in path.read_text().splitlines()]
    entries = [line for line in lines if line and not line.startswith('#')]
    if not entries:
        raise ValueError(f'split list {path} is empty; {hint}')
    return entries


def read_label(path: Path) -> np.ndarray:
    """Read a label map as ``uint8`` indices ``[H, W]`` with Pillow.

    Palette ('P') and grey ('L', 'I;16', 'I') PNGs give their stored
    values; an RGB file is accepted only when its three channels are equal.

    Raises:
        ValueError: A colour image or a value above 255.
    """
    with Image.open(path) as img:
        mode, label = img.mode, np.array(img)
    if label.ndim == 3:
        if not (label[..., :3] == label[..., :1]).all():
            raise ValueError(
                f'{path} is a colour image (mode {mode}), not a label map of '
                'class indices; point the converter at the index labels.')
        label = label[..., 0]
    if label.max(initial=0) > 255:
        raise ValueError(f'{path} holds values above 255 (mode {mode}).')
    return label.astype(np.uint8)


def check_classes(label: np.ndarray, num_classes: int, path: Path) -> None:
    """Raise ``ValueError`` when ``label`` holds an unknown class index."""
    values = np.unique(label)
    bad = values[(values >= num_classes) & (values != IGNORE_INDEX)]
    if bad.size:
        raise ValueError(
            f'{path} holds label values {bad.tolist()}, but the dataset has '
            f'{num_classes} classes (0..{num_classes - 1}, {IGNORE_INDEX} '
            'ignored). Is this the right label folder?')


def write_label(label: np.ndarray, path: Path) -> None:
    """Write ``label`` as a single-channel index PNG, creating folders."""
    write_image(np.asarray(label, dtype=np.uint8), path)


def write_image(image: np.ndarray, path: Path) -> None:
    """Write an ``[H, W]`` or RGB ``[H, W, 3]`` array with Pillow."""
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(np.ascontiguousarray(image)).save(path)


def save_sample(image: Path | np.ndarray, label: Path | np.ndarray,
                img_out: Path, ann_out: Path,
                summary: 'ConversionSummary') -> None:
    """Write an image and its label map (each copied when given as a path,
    e.g. a label map written already), and count both in ``summary``."""
    for source, out, write in ((image, img_out, write_image),
                               (label, ann_out, write_label)):
        if isinstance(source, Path):
            out.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, out)
        else:
            write(source, out)
    summary.wrote(img_out)
    summary.wrote(ann_out)


def save_per_modality(images: dict[str, Path | np.ndarray],
                      label: np.ndarray, out_dir: Path, split: str,
                      file_name: str, summary: 'ConversionSummary') -> None:
    """Write each modality's image and the shared label map to
    ``out_dir/<modality>/{img_dir,ann_dir}/<split>/<file_name>``; the label
    is encoded once, then copied."""
    for modality, image in images.items():
        img_out, ann_out = (out_dir / modality / folder / split / file_name
                            for folder in ('img_dir', 'ann_dir'))
        save_sample(image, label, img_out, ann_out, summary)
        label = ann_out


class ConversionSummary:
    """Counts of written files per folder and of label pixels per value.

    Args:
        name (str): Dataset name for the report.
        out_dir (Path): Output root.
        classes (Sequence[str]): Class names, for the pixel shares.
    """

    def __init__(self, name: str, out_dir: Path,
                 classes: Sequence[str]) -> None:
        self.name, self.out_dir, self.classes = name, out_dir, classes
        self.files: Counter = Counter()
        self.written: set[Path] = set()
        self.pixels = np.zeros(256, dtype=np.int64)
        self.notes: list[str] = []

    def wrote(self, path: Path) -> None:
        """Count one file written into ``path``'s folder."""
        self.files[str(path.parent.relative_to(self.out_dir))] += 1
        self.written.add(path)

    def remove_stale_files(self) -> None:
        """Delete what an earlier run left in the folders written now.

        MMSeg lists the image folders, so a file that this run did not
        write (say, an image since dropped from a split list) would be
        trained or tested on. Each removal is noted in the report.
        """
        for folder in sorted({path.parent for path in self.written}):
            stale = sorted(p for p in folder.iterdir()
                           if p.is_file() and p not in self.written)
            for path in stale:
                path.unlink()
            if stale:
                self.notes.append(
                    f'removed {len(stale)} file(s) of an earlier run from '
                    f'{folder.relative_to(self.out_dir)}: '
                    f'{short_list([p.name for p in stale])}')

    def read_label(self, path: Path) -> np.ndarray:
        """Read a label map (:func:`read_label`), check its values against
        the classes (:func:`check_classes`) and count its pixels."""
        label = read_label(path)
        check_classes(label, len(self.classes), path)
        self.add_label(label)
        return label

    def add_label(self, label: np.ndarray) -> None:
        """Count the pixels of each value of one written label map."""
        self.pixels += np.bincount(label.ravel(), minlength=256)

    def report(self) -> str:
        """The summary as printable text."""
        lines = [f'{self.name}: wrote {sum(self.files.values())} files '
                 f'to {self.out_dir}']
        lines += [f'  {folder}: {n}' for folder, n in sorted(
            self.files.items())]
        total = max(int(self.pixels.sum()), 1)
        shares = [f'{self.classes[v] if v < len(self.classes) else v} '
                  f'{100 * n / total:.1f}%'
                  for v, n in enumerate(self.pixels) if n]
        lines.append(f'  label pixels: {", ".join(shares)}')
        lines += [f'  note: {note}' for note in self.notes]
        return '\n'.join(lines)


def run(jobs: Sequence, convert_one: Callable,
        summary: ConversionSummary) -> ConversionSummary:
    """Apply ``convert_one`` to every job with a progress bar, remove the
    files of earlier runs that this one did not write, then print and
    return ``summary``."""
    if jobs:
        track_progress(convert_one, list(jobs), file=sys.stdout)
    summary.remove_stale_files()
    print(summary.report())
    return summary
