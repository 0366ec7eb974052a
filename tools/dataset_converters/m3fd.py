"""Convert M3FD (infrared + visible, 6 classes) to COCO JSON.

Reads ``DATASET_PATH/{Ir,Vis}/NNNNN.png`` and ``Annotation/NNNNN.xml``;
writes ``{ir,rgb,rgbt}_{train,val}.json`` (file names relative to
DATASET_PATH) and the split lists ``{train,val}.txt``. M3FD has no official
split: a seeded shuffle picks the val stems, unless ``--train-list`` and
``--val-list`` give them (e.g. TarDAL's ``meta/*.txt``). The layout:
univ_mm/preparation/converters/m3fd.py.

Example:
    python tools/dataset_converters/m3fd.py data/M3FD_Detection
"""
import argparse
from pathlib import Path

from univ_mm.preparation.converters.m3fd import SEED, VAL_RATIO, convert
from univ_mm.preparation.voc_coco import COCO_OUT
from univ_mm.utils.arguments import parse_converter_args


def add_options(parser: argparse.ArgumentParser) -> None:
    """The split options."""
    parser.add_argument('--val-ratio', type=float, default=VAL_RATIO,
                        help='share of images in the seeded val split')
    parser.add_argument('--seed', type=int, default=SEED,
                        help='seed of the val split')
    parser.add_argument('--train-list', type=Path,
                        help='stems of the train split (with --val-list)')
    parser.add_argument('--val-list', type=Path,
                        help='stems of the val split (with --train-list)')


def main(argv: list[str] | None = None) -> None:
    """Split M3FD and convert both splits, both modalities."""
    args = parse_converter_args(__doc__, COCO_OUT, argv, add_options)
    convert(args.dataset_path, args.out_dir, args.train_list, args.val_list,
            args.val_ratio, args.seed)


if __name__ == '__main__':
    main()
