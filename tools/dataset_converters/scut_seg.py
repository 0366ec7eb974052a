"""Convert SCUT-Seg into the mmseg layout, remapping raw ids to 0..9.

Reads ``DATASET_PATH/images/``, ``gt_instance/`` and ``scut_{train,val}.txt``;
writes ``OUT/{img_dir,ann_dir}/{train,val}/`` (unknown raw ids become 255)
and prints a summary. The layout: univ_mm/preparation/converters/scut_seg.py.

Example:
    python tools/dataset_converters/scut_seg.py /data/SCUT-Seg -o data/scut_seg
"""
from univ_mm.preparation.converters.scut_seg import convert
from univ_mm.utils.arguments import parse_converter_args


def main(argv: list[str] | None = None) -> None:
    """Convert the SCUT-Seg download into the mmseg layout."""
    args = parse_converter_args(__doc__, 'data/scut_seg', argv)
    convert(args.dataset_path, args.out_dir)


if __name__ == '__main__':
    main()
