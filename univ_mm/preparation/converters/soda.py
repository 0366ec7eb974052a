"""SODA (real thermal images) into the mmseg layout.

SODA ships ``InfraredSemanticLabel/`` with ``JPEGImages/*.jpg``,
``SegmentationClassPNG/*.png`` (palette PNGs, 21 classes incl. background)
and ``train_infrared.txt`` / ``test_infrared.txt``. Labels are read with
Pillow, so their palette indices are kept. Duplicates of the release
(``X (1).png``, ``~X.png``) are dropped. This writes

    OUT/img_dir/{train,test}/<name>.jpg
    OUT/ann_dir/{train,test}/<name>.png    class indices 0..20
"""
import re
from pathlib import Path

from univ_mm.preparation.classes import SODA_CLASSES
from univ_mm.preparation.conversion import (
    ConversionSummary,
    missing_in,
    raise_if_any,
    read_split_list,
    require,
    run,
    save_sample,
)

SPLITS = ('train', 'test')
RELEASE_FOLDER = 'InfraredSemanticLabel'
HINT = (f'Expected the official SODA layout {RELEASE_FOLDER}/{{JPEGImages,'
        'SegmentationClassPNG}, train_infrared.txt, test_infrared.txt.')
#: ``X (1)`` and ``~X`` copies in the release.
DUPLICATE = re.compile(r'^~|\s\(\d+\)$')


def release_root(path: Path) -> Path:
    """``path`` or its ``InfraredSemanticLabel`` sub-folder."""
    nested = path / RELEASE_FOLDER
    return nested if nested.is_dir() else path


def collect(root: Path) -> tuple[list[tuple[str, str]], int]:
    """``(split, stem)`` of every listed image, and how many listed
    duplicates were dropped; checks that images and labels exist."""
    for folder in ('JPEGImages', 'SegmentationClassPNG'):
        require(root / folder, f'SODA folder {folder}', HINT)
    samples, dropped = [], 0
    for split in SPLITS:
        stems = [Path(entry).stem for entry in read_split_list(
            root / f'{split}_infrared.txt', HINT)]
        kept = [s for s in stems if not DUPLICATE.search(s)]
        dropped += len(stems) - len(kept)
        for folder, suffix in (('JPEGImages', '.jpg'),
                               ('SegmentationClassPNG', '.png')):
            raise_if_any(
                missing_in(root / folder, kept, suffix),
                f'{split}_infrared.txt lists names without a {suffix} file in '
                f'{root / folder}:')
        samples += [(split, stem) for stem in kept]
    return samples, dropped


def convert(root: Path, out_dir: Path) -> ConversionSummary:
    """Convert the SODA download at ``root`` into ``out_dir`` and print
    the summary.

    Args:
        root (Path): The SODA download, or its ``InfraredSemanticLabel``
            folder.
        out_dir (Path): The output folder.

    Returns:
        ConversionSummary: What was written.
    """
    root = release_root(root)
    samples, dropped = collect(root)
    summary = ConversionSummary('SODA', out_dir,
                                SODA_CLASSES)

    def convert_one(sample: tuple[str, str]) -> None:
        split, stem = sample
        label = summary.read_label(
            root / 'SegmentationClassPNG' / f'{stem}.png')
        save_sample(root / 'JPEGImages' / f'{stem}.jpg', label,
                    out_dir / 'img_dir' / split / f'{stem}.jpg',
                    out_dir / 'ann_dir' / split / f'{stem}.png', summary)

    on_disk = [p.name for p in (root / 'SegmentationClassPNG').iterdir()
               if DUPLICATE.search(p.stem)]
    summary.notes.append(f'dropped duplicates: {dropped} listed, '
                         f'{len(on_disk)} label files on disk')
    return run(samples, convert_one, summary)
