"""Side-by-side table of segmentation and detection results, with published.

Rows are models (UNIV and every baseline), columns are benchmarks, infrared
and RGB, plus the mean over UNIP's three thermal sets (SODA, MFNet-T,
SCUT-Seg). The published numbers sit under ours with their source. With
``--reference``, a second table gives each model's gain over that model
and, on the RGB benchmarks, its retention (UNIV claims >= 99 %).

Each ``--run MODEL BENCHMARK PATH`` names one result; PATH is one of
  * the metrics JSON that ``tools/test.py`` writes
    (``WORK_DIR/<timestamp>/<timestamp>.json``),
  * a training log of JSON lines (``vis_data/scalars.json``): its last
    record with the metric,
  * a work dir: the newest of those files in it that holds the metric.
Segmentation reads ``mIoU``; detection reads ``coco/bbox_mAP`` (as %).

The RGB-T benchmarks (``<set>-rgbt``, ``<set>-rgbt-rgb-lost``,
``<set>-rgbt-ir-lost``: one fused checkpoint tested with both cameras and
with ``tools/test.py --drop-modality rgb|ir``) get a table of their own per
task, beside the same set's RGB-only and IR-only results.

Each result is read with its protocol (schedule trained, crop, batch per
GPU, evaluated split) from the config its run dumped
(``<timestamp>/vis_data/config.py``). A result whose protocol differs from
the published one's (the benchmark's config in ``PROTOCOL_CONFIGS`` of
``univ_mm/benchmarks/downstream/catalogue.py``, which reproduces it), or
is unknown, is marked ``*`` with a footnote
saying how.

Example:
    python tools/analysis/compare_seg.py \
        --run UNIV msrs-ir work_dirs/msrs-ir_univ \
        --run 'MAE (teacher)' msrs-ir work_dirs/msrs-ir_teacher \
        --run UNIV msrs-rgb work_dirs/msrs-rgb_univ \
        --run 'MAE (teacher)' msrs-rgb work_dirs/msrs-rgb_teacher \
        --reference 'MAE (teacher)'
"""
import argparse

from univ_mm.benchmarks.downstream.catalogue import BENCHMARKS, METRICS
from univ_mm.benchmarks.downstream.results import read_runs
from univ_mm.benchmarks.downstream.tables import (
    columns,
    results_table,
    rgbt_columns,
    versus_table,
)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        '--run', nargs=3, action='append', required=True,
        metavar=('MODEL', 'BENCHMARK', 'PATH'),
        help=f'one result; BENCHMARK is one of {list(BENCHMARKS)}')
    parser.add_argument('--reference', help='model to compare the others '
                        'with (gain, and RGB retention)')
    args = parser.parse_args(argv)
    unknown = {b for _, b, _ in args.run} - set(BENCHMARKS)
    if unknown:
        parser.error(f'unknown benchmark(s) {sorted(unknown)}; choose from '
                     f'{list(BENCHMARKS)}')
    if args.reference not in {None, *(m for m, _, _ in args.run)}:
        parser.error(f'--reference {args.reference!r} is none of the '
                     '--run models')
    return args


def main(argv: list[str] | None = None) -> dict[str, dict[str, float]]:
    args = parse_args(argv)
    table, sources, notes = read_runs(args.run)
    for task in METRICS:
        keys = dict(columns(task, table))
        ours = {model: {k: v for k, v in row.items() if k in keys}
                for model, row in table.items()}
        ours = {model: row for model, row in ours.items() if row}
        if ours:
            print(results_table(METRICS[task][2], columns(task, ours), ours,
                                notes))
            if args.reference in ours:
                print('\n' + versus_table(task, ours, args.reference))
            print()
        fused = rgbt_columns(task, table)
        if fused:
            print(results_table(f'RGB-T {METRICS[task][2]}', fused, table,
                                notes) + '\n')
    print('\n'.join(['read from:', *sources]))
    return table


if __name__ == '__main__':
    main()
