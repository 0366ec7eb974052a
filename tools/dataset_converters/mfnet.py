"""Convert MFNet into two mmseg roots: thermal (channel 4) and RGB.

Reads the 4-channel scenes of ``DATASET_PATH/images/``, ``labels/`` and
``{train,val,test}.txt``; writes ``OUT/{ir,rgb}/{img_dir,ann_dir}/<split>/``
and prints a summary. The layout: univ_mm/preparation/converters/mfnet.py.

Example:
    python tools/dataset_converters/mfnet.py /data/ir_seg_dataset -o data/mfnet
"""
from univ_mm.preparation.converters.mfnet import convert
from univ_mm.utils.arguments import parse_converter_args


def main(argv: list[str] | None = None) -> None:
    """Convert the MFNet download into its thermal and RGB roots."""
    args = parse_converter_args(__doc__, 'data/mfnet', argv)
    convert(args.dataset_path, args.out_dir)


if __name__ == '__main__':
    main()
