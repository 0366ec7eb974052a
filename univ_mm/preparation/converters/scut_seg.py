"""SCUT-Seg into the mmseg layout, remapping raw ids to 0..9.

SCUT-Seg ships ``images/**/*.jpg``, Cityscapes-style raw label ids in
``gt_instance/**/*_labelIds.png`` and the splits ``scut_train.txt`` /
``scut_val.txt`` (two columns: image and label path, relative to the
dataset folder). Raw ids {0, 7, 24, 25, 26, 27, 13, 21, 28, 17} become
0..9 in that order; any other id becomes 255 (ignored) and is counted.
This writes (names are the image paths below ``images/``, ``/`` -> ``_``)

    OUT/img_dir/{train,val}/<name>.jpg
    OUT/ann_dir/{train,val}/<name>.png    class indices 0..9
"""
from collections import Counter
from pathlib import Path

import numpy as np

from univ_mm.preparation.classes import SCUT_SEG_CLASSES, SCUT_SEG_RAW_IDS
from univ_mm.preparation.conversion import (
    IGNORE_INDEX,
    ConversionSummary,
    raise_if_any,
    read_label,
    read_split_list,
    run,
    save_sample,
)

SPLITS = {'train': 'scut_train.txt', 'val': 'scut_val.txt'}
HINT = ('Expected the official SCUT-Seg layout: images/, gt_instance/ and '
        'scut_train.txt / scut_val.txt with "image label" per line.')


def id_lut() -> np.ndarray:
    """Lookup table raw id -> class index (255 for unknown ids)."""
    lut = np.full(256, IGNORE_INDEX, dtype=np.uint8)
    lut[list(SCUT_SEG_RAW_IDS)] = np.arange(len(SCUT_SEG_RAW_IDS))
    return lut


def output_name(image: str) -> str:
    """Flat output stem of an image path such as ``images/a/b.jpg``."""
    parts = Path(image).with_suffix('').parts
    return '_'.join(parts[1:] if parts[0] == 'images' else parts)


def parse_line(root: Path, list_file: str, number: int,
               line: str) -> tuple[Path, Path]:
    """The image and label path of one split-list line."""
    columns = line.split()
    if len(columns) != 2 or not columns[0].lower().endswith(('.jpg',
                                                             '.jpeg')):
        raise ValueError(f'{root / list_file} line {number}: {line!r} is '
                         f'not "images/<name>.jpg gt_instance/<name>.png". '
                         f'{HINT}')
    return root / columns[0], root / columns[1]


def collect(root: Path) -> list[tuple[str, str, Path, Path]]:
    """``(split, name, image, label)`` of every listed pair."""
    samples = []
    for split, list_file in SPLITS.items():
        lines = read_split_list(root / list_file, HINT)
        pairs = [parse_line(root, list_file, i, line)
                 for i, line in enumerate(lines, start=1)]
        raise_if_any([str(p) for pair in pairs for p in pair
                      if not p.is_file()],
                     f'{list_file} lists files that do not exist:')
        samples += [(split, output_name(str(img.relative_to(root))), img, ann)
                    for img, ann in pairs]
    names = Counter((split, name) for split, name, _, _ in samples)
    raise_if_any(sorted(n for n, count in names.items() if count > 1),
                 'two images would get the same output name:')
    return samples


def convert(root: Path, out_dir: Path) -> ConversionSummary:
    """Convert the SCUT-Seg download at ``root`` into ``out_dir`` and
    print the summary, and how many pixels had unknown raw ids.

    Args:
        root (Path): The SCUT-Seg download.
        out_dir (Path): The output folder.

    Returns:
        ConversionSummary: What was written.
    """
    samples = collect(root)
    lut = id_lut()
    summary = ConversionSummary('SCUT-Seg', out_dir,
                                SCUT_SEG_CLASSES)

    def convert_one(sample: tuple[str, str, Path, Path]) -> None:
        split, name, image, ann = sample
        label = lut[read_label(ann)]
        summary.add_label(label)
        save_sample(image, label, out_dir / 'img_dir' / split / f'{name}.jpg',
                    out_dir / 'ann_dir' / split / f'{name}.png', summary)

    run(samples, convert_one, summary)
    if summary.pixels[IGNORE_INDEX]:
        print(f'  note: {summary.pixels[IGNORE_INDEX]} pixels had raw ids '
              f'outside {SCUT_SEG_RAW_IDS} and are ignored (255)')
    return summary
