"""M3FD (infrared + visible, 6 classes) to COCO JSON.

Reads the flat ``M3FD_Detection`` download::

    M3FD_Detection/{Ir,Vis}/NNNNN.png   # infrared, visible (aligned)
    M3FD_Detection/Annotation/NNNNN.xml # Pascal VOC, shared by both

and writes ``ir_{train,val}.json``, ``rgb_{train,val}.json`` and
``rgbt_{train,val}.json`` (visible records with the infrared twin as
``ir_file_name``, for ``RGBTCocoDataset``; image paths relative to the
dataset root) plus the split lists ``{train,val}.txt``. M3FD has no
official split: by default the sorted stems are shuffled with
``random.Random(seed)`` and the first ``round(val_ratio * n)`` form the
validation set; given train and val stem lists (e.g. TarDAL's
``meta/*.txt``) are used instead.
"""
import random
from pathlib import Path

from univ_mm.preparation.voc_coco import (
    VocSample,
    convert_voc_samples,
    write_split,
)

CLASSES = ('People', 'Car', 'Bus', 'Motorcycle', 'Lamp', 'Truck')
LAYOUT = '{Ir,Vis}/NNNNN.png and Annotation/NNNNN.xml'
#: Share of the stems in the seeded val split, and its seed.
VAL_RATIO, SEED = 0.2, 0


def seeded_split(stems: list[str], val_ratio: float,
                 seed: int) -> dict[str, list[str]]:
    """Shuffle the sorted stems with ``seed``; the first part is ``val``."""
    if not 0 < val_ratio < 1:
        raise ValueError(f'--val-ratio must lie in (0, 1); got {val_ratio}')
    shuffled = sorted(stems)
    random.Random(seed).shuffle(shuffled)
    num_val = round(val_ratio * len(shuffled))
    return dict(train=sorted(shuffled[num_val:]),
                val=sorted(shuffled[:num_val]))


def read_list(path: Path, known: set[str]) -> list[str]:
    """Stems of a split list (one per line, extensions ignored)."""
    stems = [Path(line.strip()).stem
             for line in path.read_text().splitlines() if line.strip()]
    unknown = [stem for stem in stems if stem not in known]
    if unknown:
        raise KeyError(f'{path} names {len(unknown)} stems without an '
                       f'annotation, e.g. {unknown[:3]}; is it a list of '
                       'this M3FD copy?')
    return stems


def listed_split(stems: list[str], train_list: Path,
                 val_list: Path) -> dict[str, list[str]]:
    """The stems of two split lists, which must not share any."""
    splits = dict(train=read_list(train_list, set(stems)),
                  val=read_list(val_list, set(stems)))
    shared = sorted(set(splits['train']) & set(splits['val']))
    if shared:
        raise ValueError(f'{train_list} and {val_list} share '
                         f'{len(shared)} stems, e.g. {shared[:3]}')
    return splits


def choose_split(stems: list[str], train_list: Path | None = None,
                 val_list: Path | None = None, val_ratio: float = VAL_RATIO,
                 seed: int = SEED) -> dict[str, list[str]]:
    """The given lists, or else the seeded split of all stems.

    Args:
        stems (list[str]): Every annotated stem.
        train_list (Path, optional): Stems of the train split. Defaults to
            None (the seeded split).
        val_list (Path, optional): Stems of the val split, given with
            ``train_list``. Defaults to None.
        val_ratio (float): Share of the stems in the seeded val split.
            Defaults to :data:`VAL_RATIO`.
        seed (int): Seed of the seeded split. Defaults to :data:`SEED`.

    Returns:
        dict[str, list[str]]: The stems of ``train`` and ``val``.
    """
    if (train_list is None) != (val_list is None):
        raise ValueError('give both --train-list and --val-list, or neither')
    if train_list is None:
        return seeded_split(stems, val_ratio, seed)
    return listed_split(stems, train_list, val_list)


def annotated_stems(root: Path) -> list[str]:
    """Sorted stems of the XML files of ``root``; raise if there are none."""
    xml_dir = root / 'Annotation'
    stems = sorted(p.stem for p in xml_dir.glob('*.xml'))
    if not stems:
        raise FileNotFoundError(
            f'no {xml_dir}/*.xml; pass the folder of the M3FD_Detection '
            f'download, which holds {LAYOUT}')
    return stems


def stem_samples(root: Path, stems: list[str]) -> list[VocSample]:
    """One sample per stem: its XML, infrared and visible image."""
    return [VocSample(root / 'Annotation' / f'{stem}.xml',
                      dict(ir=f'Ir/{stem}.png', rgb=f'Vis/{stem}.png'))
            for stem in stems]


def convert(root: Path, out_dir: Path, train_list: Path | None = None,
            val_list: Path | None = None, val_ratio: float = VAL_RATIO,
            seed: int = SEED) -> None:
    """Split M3FD and convert both splits, both modalities, printing a
    summary of each.

    Args:
        root (Path): The ``M3FD_Detection`` download.
        out_dir (Path): Folder of the COCO files and split lists.
        train_list, val_list, val_ratio, seed: The split, as in
            :func:`choose_split`.
    """
    splits = choose_split(annotated_stems(root), train_list, val_list,
                          val_ratio, seed)
    for split, split_stems in splits.items():
        builders = convert_voc_samples(stem_samples(root, split_stems), root,
                                       CLASSES)
        write_split(out_dir, split, builders)
        (out_dir / f'{split}.txt').write_text('\n'.join(split_stems) + '\n')
