"""Convert SODA (real thermal images) into the mmseg layout.

Reads ``DATASET_PATH/InfraredSemanticLabel/`` (``JPEGImages/``, palette
``SegmentationClassPNG/``, ``{train,test}_infrared.txt``); writes
``OUT/{img_dir,ann_dir}/{train,test}/``, dropping the release's duplicates,
and prints a summary. The layout: univ_mm/preparation/converters/soda.py.

Example:
    python tools/dataset_converters/soda.py /data/SODA -o data/soda
"""
from univ_mm.preparation.converters.soda import convert
from univ_mm.utils.arguments import parse_converter_args


def main(argv: list[str] | None = None) -> None:
    """Convert the SODA download into the mmseg layout."""
    args = parse_converter_args(__doc__, 'data/soda', argv)
    convert(args.dataset_path, args.out_dir)


if __name__ == '__main__':
    main()
