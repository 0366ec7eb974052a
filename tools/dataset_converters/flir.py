"""Convert FLIR ADAS v1 (thermal) or FLIR-aligned (thermal + RGB) to COCO.

Both keep the 3 classes of the PAD protocol: person, bicycle, car.
``adas`` reads ``{train,val}/thermal_annotations.json`` and writes
``ir_{train,val}.json``; ``aligned`` reads ``JPEGImages/``, the VOC XML of
``Annotations/`` and ``align_{train,validation}.txt``, and writes
``{ir,rgb,rgbt}_{train,val}.json``, leaving out stems without an RGB
image. File names are relative to DATASET_PATH. The layouts:
univ_mm/preparation/converters/flir.py.

Examples:
    python tools/dataset_converters/flir.py adas data/FLIR_ADAS_1_3
    python tools/dataset_converters/flir.py aligned data/FLIR_aligned
"""
import argparse

from univ_mm.preparation.converters.flir import CONVERTERS
from univ_mm.preparation.voc_coco import COCO_OUT
from univ_mm.utils.arguments import parse_converter_args


def add_source(parser: argparse.ArgumentParser) -> None:
    """Which FLIR download ``DATASET_PATH`` is."""
    parser.add_argument('source', choices=list(CONVERTERS),
                        help='FLIR ADAS v1 (thermal) or FLIR-aligned')


def main(argv: list[str] | None = None) -> None:
    """Convert the train and val splits of the chosen FLIR source."""
    args = parse_converter_args(__doc__, COCO_OUT, argv, add_source)
    CONVERTERS[args.source](args.dataset_path, args.out_dir)


if __name__ == '__main__':
    main()
