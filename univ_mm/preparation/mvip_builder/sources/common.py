"""What every MVIP source reader returns, and the folder checks they share.

A reader turns one source download (in its public layout) into a list of
:class:`SourcePair` and a :class:`SourceScan` report of what it left out;
it writes nothing. Layout problems raise ``FileNotFoundError`` naming the
path and the layout the reader expected.
"""
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from univ_mm.image_codecs.listing import IMG_SUFFIXES
from univ_mm.preparation.conversion import require

#: Suffixes written as another spelling of the same format.
SAME_FORMAT = {'.jpeg': '.jpg', '.tiff': '.tif'}


@dataclass(frozen=True)
class SourcePair:
    """One RGB-IR pair of a source download.

    Args:
        name (str): File name of both images in MVIP, unique in the source.
        rgb (Path): The visible image.
        ir (Path): The infrared image.
        border (int): Pixels removed from every side. Defaults to 0.
        size (tuple[int, int], optional): ``(h, w)`` both images must have
            before the border is removed. Defaults to None (any).
    """

    name: str
    rgb: Path
    ir: Path
    border: int = 0
    size: tuple[int, int] | None = None


@dataclass
class SourceScan:
    """The pairs a reader selected and what it left out.

    Args:
        pairs (list[SourcePair]): The selected pairs, in a stable order.
        skipped (Counter): Images or sequences dropped, per reason.
        left_out (dict[str, int]): Pairs of each evaluation split left out.
        splits (list[str]): The splits read.
    """

    pairs: list[SourcePair] = field(default_factory=list)
    skipped: Counter = field(default_factory=Counter)
    left_out: dict[str, int] = field(default_factory=dict)
    splits: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ReadOptions:
    """How the readers select pairs.

    Args:
        all_splits (bool): Also read the evaluation splits. Defaults to
            False.
        frame_stride (int): Keep every N-th frame of a video sequence.
            Defaults to 1.
        test_list (Path, optional): Stems to leave out, for a source
            without an official split (M3FD). Defaults to None.
        skip_bad (bool): Skip a bad sequence (counted) instead of raising.
            Defaults to False.
    """

    all_splits: bool = False
    frame_stride: int = 1
    test_list: Path | None = None
    skip_bad: bool = False


def format_suffix(path: Path) -> str:
    """The lower-case suffix of ``path``, one spelling per format."""
    suffix = path.suffix.lower()
    return SAME_FORMAT.get(suffix, suffix)


def safe_name(text: str) -> str:
    """``text`` with every run of unusual characters replaced by ``_``."""
    return re.sub(r'[^A-Za-z0-9.-]+', '_', text)


def natural_key(name: str) -> list:
    """Sort key that orders ``v2`` before ``v10``."""
    return [int(part) if part.isdigit() else part
            for part in re.split(r'(\d+)', name)]


def list_images(folder: Path) -> list[Path]:
    """Image files directly in ``folder`` (none if it is absent), sorted."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir()
                  if p.suffix.lower() in IMG_SUFFIXES
                  and not p.name.startswith('.') and p.is_file())


def images_in(folder: Path, what: str, layout: str) -> list[Path]:
    """:func:`list_images` of a folder that must exist and hold images."""
    require(folder, what, f'Expected layout: {layout}.')
    images = list_images(folder)
    if not images:
        raise FileNotFoundError(
            f'{what} {folder} holds no images ({", ".join(IMG_SUFFIXES)}). '
            f'Expected layout: {layout}.')
    return images


def pair_by_stem(rgb_dir: Path, ir_dir: Path, scan: SourceScan, what: str,
                 layout: str, prefix: str = '') -> list[SourcePair]:
    """Pair the images of two folders by file stem.

    Images without a twin are counted in ``scan.skipped``. The MVIP name is
    ``prefix + stem`` with the RGB image's suffix.

    Args:
        rgb_dir (Path): Folder of the visible images.
        ir_dir (Path): Folder of the infrared images.
        scan (SourceScan): Receives the skip counts.
        what (str): The source and split, for messages.
        layout (str): The expected layout, for messages.
        prefix (str): Put before every name. Defaults to ''.

    Returns:
        list[SourcePair]: The pairs, sorted by stem.
    """
    rgb = {p.stem: p for p in images_in(rgb_dir, f'{what} RGB folder',
                                        layout)}
    ir = {p.stem: p for p in images_in(ir_dir, f'{what} IR folder', layout)}
    scan.skipped['RGB image without an IR twin'] += len(rgb.keys() - ir)
    scan.skipped['IR image without an RGB twin'] += len(ir.keys() - rgb)
    return [SourcePair(safe_name(f'{prefix}{stem}') +
                       format_suffix(rgb[stem]), rgb[stem], ir[stem])
            for stem in sorted(rgb.keys() & ir.keys())]
