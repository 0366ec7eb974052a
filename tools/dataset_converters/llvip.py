"""Convert LLVIP (infrared + visible, person) to COCO JSON.

Reads ``DATASET_PATH/{infrared,visible}/{train,test}/*.jpg`` and the flat
``Annotations/*.xml``; writes ``{ir,rgb,rgbt}_{train,test}.json`` (file
names relative to DATASET_PATH) and prints a summary per split. The
layout: univ_mm/preparation/converters/llvip.py.

Example:
    python tools/dataset_converters/llvip.py data/LLVIP
"""
from univ_mm.preparation.converters.llvip import convert
from univ_mm.preparation.voc_coco import COCO_OUT
from univ_mm.utils.arguments import parse_converter_args


def main(argv: list[str] | None = None) -> None:
    """Convert the train and test folders of LLVIP."""
    args = parse_converter_args(__doc__, COCO_OUT, argv)
    convert(args.dataset_path, args.out_dir)


if __name__ == '__main__':
    main()
