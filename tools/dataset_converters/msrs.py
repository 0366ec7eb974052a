"""Convert MSRS into two mmseg roots: infrared and visible (RGB).

Reads ``DATASET_PATH/{train,test}/{ir,vi,Segmentation_labels}/*.png``;
writes ``OUT/{ir,rgb}/{img_dir,ann_dir}/{train,test}/`` and prints a
summary. The layout: univ_mm/preparation/converters/msrs.py.

Example:
    python tools/dataset_converters/msrs.py /data/MSRS -o data/msrs
"""
from univ_mm.preparation.converters.msrs import convert
from univ_mm.utils.arguments import parse_converter_args


def main(argv: list[str] | None = None) -> None:
    """Convert the MSRS download into its infrared and visible roots."""
    args = parse_converter_args(__doc__, 'data/msrs', argv)
    convert(args.dataset_path, args.out_dir)


if __name__ == '__main__':
    main()
