"""Convert the labelled synthetic world into the benchmarks' layouts.

Reads what ``tools/misc/generate_synthetic_mvip.py --with-labels`` writes;
writes ``OUT/{ir,rgb}/{img_dir,ann_dir}/{train,test}/`` and
``OUT/annotations_coco/{ir,rgb}_{train,test}.json``, as the MSRS and LLVIP
converters do, and prints a summary. The generator's ``val`` pairs become
``test``. The layout: univ_mm/preparation/converters/synthetic.py.

Example:
    python tools/misc/generate_synthetic_mvip.py data/synthetic_labelled \\
        --with-labels
    python tools/dataset_converters/synthetic.py data/synthetic_labelled \\
        -o data/synthetic_downstream
"""
from univ_mm.preparation.converters.synthetic import convert
from univ_mm.utils.arguments import parse_converter_args


def main(argv: list[str] | None = None) -> None:
    """Convert the labelled synthetic world into the benchmarks' layouts."""
    args = parse_converter_args(__doc__, 'data/synthetic_downstream', argv)
    convert(args.dataset_path, args.out_dir)


if __name__ == '__main__':
    main()
