"""Build MVIP (UNIV's pre-training pairs) from the sources' public downloads.

Writes the authors' layout, ready for configs/pretrain/univ_vit-b_mvip.py::

    OUT/<source>/vi_images/training/<name>   RGB
    OUT/<source>/images/training/<name>      IR, same name
    OUT/manifest.json                        counts, skips, options, SHA-256
    OUT/splits/{train,val}.txt               pair lists (MVIPDataset ann_file)

Sources (folder in OUT): --flir-aligned (FLIR-ALIGN), --kaist (KAIST_MMSEG),
--lasher (LasHeR0428_rename), --llvip (LLVIP), --dronevehicle (VisDrone,
the 100-px border removed), and the extras --m3fd (M3FD), --msrs (MSRS).
Evaluation splits (FLIR validation, KAIST set06-set11, LasHeR testingset,
LLVIP test, DroneVehicle val/test, MSRS test, the M3FD test list) are left
out unless --all-splits. A rerun skips finished pairs; a killed run leaves
no half-written image and resumes where it stopped. A rerun also deletes
from the source's two output folders every file that the new manifest does
not hold (pairs another --frame-stride no longer selects, the half of a
pair a kill left) and reports how many (files_removed).

Example:
    python tools/dataset_converters/build_mvip.py data/MVIP \\
        --flir-aligned PATH/align --kaist PATH/kaist-cvpr15 \\
        --lasher PATH/LasHeR --llvip PATH/LLVIP \\
        --dronevehicle PATH/DroneVehicle --frame-stride 5 --workers 8
"""
import argparse
import json
from collections.abc import Sequence

from univ_mm.preparation.mvip_builder.sources import SOURCES


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Command-line options (see the module docstring)."""
    doc = __doc__.splitlines()
    parser = argparse.ArgumentParser(
        description=doc[0], epilog='\n'.join(doc[1:]),
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('out_dir', help='the MVIP folder to write')
    for key, source in SOURCES.items():
        parser.add_argument(f'--{key.replace("_", "-")}', dest=key,
                            metavar='PATH',
                            help=f'download folder; written to '
                            f'OUT/{source.folder}')
    parser.add_argument('--m3fd-test-list', metavar='PATH',
                        help='M3FD stems to leave out (M3FD has no '
                        'official split), one per line')
    parser.add_argument('--frame-stride', type=int, default=1,
                        help='keep every N-th frame of KAIST and LasHeR')
    parser.add_argument('--all-splits', action='store_true',
                        help='include the evaluation splits')
    parser.add_argument('--workers', type=int, default=4,
                        help='threads that copy pairs')
    parser.add_argument('--skip-bad-pairs', action='store_true',
                        help='leave out (and record) bad pairs instead of '
                        'stopping')
    parser.add_argument('--val-per-source', type=int, default=64,
                        help='pairs per source in splits/val.txt')
    args = parser.parse_args(argv)
    if not any(getattr(args, key) for key in SOURCES):
        parser.error('name at least one source, e.g. --llvip PATH')
    return args


def main(argv: Sequence[str] | None = None) -> dict[str, dict]:
    """Build MVIP and print what each source got."""
    args = parse_args(argv)
    # the image checks load mmcv (and torch with it): after --help
    from univ_mm.preparation.mvip_builder.build import build_mvip
    report = build_mvip(
        args.out_dir, {k: getattr(args, k) for k in SOURCES
                       if getattr(args, k)},
        frame_stride=args.frame_stride, all_splits=args.all_splits,
        workers=args.workers, skip_bad_pairs=args.skip_bad_pairs,
        val_per_source=args.val_per_source,
        m3fd_test_list=args.m3fd_test_list)
    print(json.dumps(report, indent=2))
    print(f'Counts, skips and checksums: {args.out_dir}/manifest.json')
    return report


if __name__ == '__main__':
    main()
