"""Convert M3FD (infrared + visible, 6 classes) to COCO JSON.

Reads the flat ``M3FD_Detection`` download::

    M3FD_Detection/{Ir,Vis}/NNNNN.png   # infrared, visible (aligned)
    M3FD_Detection/Annotation/NNNNN.xml # Pascal VOC, shared by both

and writes ``ir_{train,val}.json``, ``rgb_{train,val}.json`` and
``rgbt_{train,val}.json`` (visible records with the infrared twin as
``ir_file_name``, for ``RGBTCocoDataset``; image paths relative to the
dataset root) plus the split lists ``{train,val}.txt`` to
``<root>/annotations_coco``. M3FD has no official split: by default the
sorted stems are shuffled with ``random.Random(seed)`` and the first
``round(val_ratio * n)`` form the validation set; ``--train-list`` /
``--val-list`` use given stem lists instead (e.g. TarDAL's ``meta/*.txt``).

Example:
    python tools/dataset_converters/m3fd.py data/M3FD_Detection
"""
import argparse
import random
from pathlib import Path

from univ_mm.preparation.voc_coco import (
    COCO_OUT,
    VocSample,
    convert_voc_samples,
    write_split,
)
from univ_mm.utils.arguments import parse_converter_args

CLASSES = ('People', 'Car', 'Bus', 'Motorcycle', 'Lamp', 'Truck')
LAYOUT = '{Ir,Vis}/NNNNN.png and Annotation/NNNNN.xml'


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


def samples(root: Path, stems: list[str]) -> list[VocSample]:
    """One sample per stem: its XML, infrared and visible image."""
    return [VocSample(root / 'Annotation' / f'{stem}.xml',
                      dict(ir=f'Ir/{stem}.png', rgb=f'Vis/{stem}.png'))
            for stem in stems]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options (see the module docstring)."""
    return parse_converter_args(__doc__, COCO_OUT, argv, add_options)


def add_options(parser: argparse.ArgumentParser) -> None:
    """The split options."""
    parser.add_argument('--val-ratio', type=float, default=0.2,
                        help='share of images in the seeded val split')
    parser.add_argument('--seed', type=int, default=0,
                        help='seed of the val split')
    parser.add_argument('--train-list', type=Path,
                        help='stems of the train split (with --val-list)')
    parser.add_argument('--val-list', type=Path,
                        help='stems of the val split (with --train-list)')


def choose_split(args: argparse.Namespace,
                 stems: list[str]) -> dict[str, list[str]]:
    """The given lists, or else the seeded split of all stems."""
    if (args.train_list is None) != (args.val_list is None):
        raise ValueError('give both --train-list and --val-list, or neither')
    if args.train_list is None:
        return seeded_split(stems, args.val_ratio, args.seed)
    splits = dict(train=read_list(args.train_list, set(stems)),
                  val=read_list(args.val_list, set(stems)))
    shared = sorted(set(splits['train']) & set(splits['val']))
    if shared:
        raise ValueError(f'{args.train_list} and {args.val_list} share '
                         f'{len(shared)} stems, e.g. {shared[:3]}')
    return splits


def main(argv: list[str] | None = None) -> None:
    """Split M3FD and convert both splits, both modalities."""
    args = parse_args(argv)
    root, out_dir = args.dataset_path, args.out_dir
    xml_dir = root / 'Annotation'
    stems = sorted(p.stem for p in xml_dir.glob('*.xml'))
    if not stems:
        raise FileNotFoundError(
            f'no {xml_dir}/*.xml; pass the folder of the M3FD_Detection '
            f'download, which holds {LAYOUT}')
    for split, split_stems in choose_split(args, stems).items():
        builders = convert_voc_samples(samples(root, split_stems), root,
                                       CLASSES)
        write_split(out_dir, split, builders)
        (out_dir / f'{split}.txt').write_text('\n'.join(split_stems) + '\n')


if __name__ == '__main__':
    main()
