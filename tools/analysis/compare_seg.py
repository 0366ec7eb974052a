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

Example:
    python tools/analysis/compare_seg.py \
        --run UNIV msrs-ir work_dirs/msrs-ir_univ \
        --run 'MAE (teacher)' msrs-ir work_dirs/msrs-ir_teacher \
        --run UNIV msrs-rgb work_dirs/msrs-rgb_univ \
        --run 'MAE (teacher)' msrs-rgb work_dirs/msrs-rgb_teacher \
        --reference 'MAE (teacher)'
"""
import argparse
import json
from dataclasses import dataclass
from pathlib import Path

from univ_mm.utils.scalars import SCALARS, read_scalar_log

#: The RGB retention UNIV claims, in percent of the reference.
CLAIMED_RETENTION = 99.0


@dataclass(frozen=True)
class Benchmark:
    """A column: its title, task (``'seg'``/``'det'``) and modality."""

    title: str
    task: str
    modality: str


BENCHMARKS = {
    'msrs-ir': Benchmark('MSRS-IR', 'seg', 'IR'),
    'msrs-rgb': Benchmark('MSRS-RGB', 'seg', 'RGB'),
    'soda': Benchmark('SODA', 'seg', 'IR'),
    'mfnet-t': Benchmark('MFNet-T', 'seg', 'IR'),
    'mfnet-rgb': Benchmark('MFNet-RGB', 'seg', 'RGB'),
    'scut-seg': Benchmark('SCUT-Seg', 'seg', 'IR'),
    'flir-ir': Benchmark('FLIR-IR', 'det', 'IR'),
    'flir-aligned-rgb': Benchmark('FLIR-aligned-RGB', 'det', 'RGB'),
    'm3fd-ir': Benchmark('M3FD-IR', 'det', 'IR'),
    'm3fd-rgb': Benchmark('M3FD-RGB', 'det', 'RGB'),
    'llvip-ir': Benchmark('LLVIP-IR', 'det', 'IR'),
    'llvip-rgb': Benchmark('LLVIP-RGB', 'det', 'RGB'),
}
#: UNIP's thermal segmentation sets; their mean is a column of its own.
UNIP_SETS = ('soda', 'mfnet-t', 'scut-seg')
UNIP_MEAN = 'unip-mean'
#: Per task: the logged metric, its scale to percent, the table's title.
METRICS = {
    'seg': ('mIoU', 1.0, 'Segmentation (mIoU, %)'),
    'det': ('coco/bbox_mAP', 100.0, 'Detection (COCO AP, %)'),
}
#: Published numbers: (model, {benchmark: value as published}, source).
PUBLISHED = (
    ('UNIV (paper; ConvMAE-B + LoRA)', {'msrs-ir': '76.0'},
     'third-party summary of the UNIV paper'),
    ('UNIP-B (fine-tune)', {UNIP_MEAN: '~65.2'}, 'UNIP repository chart'),
    ('UNIP-B (linear probe)', {UNIP_MEAN: '~51.5'}, 'UNIP repository chart'),
    ('PAD ViT-B', {'soda': '~68.3', 'mfnet-t': '~48.7', 'flir-ir': '~45.3'},
     'PAD repository chart'),
)


def records(path: Path) -> list[dict]:
    """The JSON objects of a file holding one object or JSON lines."""
    text = path.read_text()
    try:
        data = json.loads(text)
        return data if isinstance(data, list) else [data]
    except json.JSONDecodeError:
        return read_scalar_log(path)


def metric_files(work_dir: Path) -> list[Path]:
    """Metric files of a work dir, newest run first (test JSON first)."""
    runs = sorted((p for p in work_dir.iterdir() if p.is_dir()),
                  key=lambda p: p.name, reverse=True)
    files = []
    for run in runs:
        files += [run / f'{run.name}.json', run / SCALARS]
    return [f for f in files if f.is_file()]


def read_metric(path: Path, key: str) -> tuple[float, Path]:
    """The last value of ``key`` in ``path`` (a file or a work dir).

    Returns:
        tuple[float, Path]: The value and the file it was read from.

    Raises:
        FileNotFoundError: ``path`` does not exist.
        ValueError: No record holds ``key``.
    """
    if not path.exists():
        raise FileNotFoundError(f'{path} does not exist')
    for file in metric_files(path) if path.is_dir() else [path]:
        found = [r[key] for r in records(file) if key in r]
        if found:
            return float(found[-1]), file
    raise ValueError(
        f'no {key} record in {path}. Pass the metrics JSON written by '
        'tools/test.py (WORK_DIR/<timestamp>/<timestamp>.json), a '
        'vis_data/scalars.json with validation records, or their work dir.')


def read_runs(runs: list[list[str]]) -> tuple[dict, list[str]]:
    """Read every ``(model, benchmark, path)``.

    Returns:
        tuple[dict, list[str]]: ``{model: {benchmark: percent}}`` in the
        order given, and a line per run naming the file read.
    """
    table, sources = {}, []
    for model, benchmark, path in runs:
        key, scale, _ = METRICS[BENCHMARKS[benchmark].task]
        value, file = read_metric(Path(path), key)
        table.setdefault(model, {})[benchmark] = value * scale
        sources.append(f'  {model}, {benchmark}: {file}')
    for row in table.values():
        if all(name in row for name in UNIP_SETS):
            row[UNIP_MEAN] = sum(row[name] for name in UNIP_SETS) / 3
    return table, sources


def columns(task: str) -> list[tuple[str, str]]:
    """``(key, title)`` of a task's columns, UNIP's mean after seg's."""
    cols = [(k, b.title) for k, b in BENCHMARKS.items() if b.task == task]
    if task == 'seg':
        cols.append((UNIP_MEAN, 'mean SODA / MFNet-T / SCUT-Seg'))
    return cols


def markdown_row(cells: list[str]) -> str:
    return '| ' + ' | '.join(cells) + ' |'


def results_table(task: str, ours: dict[str, dict[str, float]]) -> str:
    """One task's table: our rows, then the published ones."""
    cols = columns(task)
    lines = [METRICS[task][2], '',
             markdown_row(['model'] + [t for _, t in cols] + ['source']),
             markdown_row(['---'] * (len(cols) + 2))]
    for model, row in ours.items():
        lines.append(markdown_row(
            [model] + [f'{row[k]:.2f}' if k in row else '' for k, _ in cols]
            + ['this repository, files below']))
    for model, row, source in PUBLISHED:
        if any(k in row for k, _ in cols):
            lines.append(markdown_row(
                [model] + [row.get(k, '') for k, _ in cols] + [source]))
    return '\n'.join(lines)


def versus(model: dict[str, float], reference: dict[str, float]) -> dict:
    """Gain over ``reference`` per shared benchmark; retention on RGB ones.

    Returns:
        dict: ``{benchmark: (gain, retention percent or None)}``.
    """
    result = {}
    for key in model.keys() & reference.keys():
        retention = None
        if key in BENCHMARKS and BENCHMARKS[key].modality == 'RGB':
            if reference[key] <= 0:
                raise ValueError(f'the reference scores {reference[key]} on '
                                 f'{key}; its retention is undefined.')
            retention = 100 * model[key] / reference[key]
        result[key] = (model[key] - reference[key], retention)
    return result


def versus_table(task: str, table: dict, reference: str) -> str:
    """Gains (and RGB retention) of every model over ``reference``."""
    cols = [(k, t) for k, t in columns(task) if k in table[reference]]
    lines = [f'Gain over {reference}, {METRICS[task][2]}; on RGB also the '
             f'retention (UNIV claims >= {CLAIMED_RETENTION:.0f} %)', '',
             markdown_row(['model'] + [t for _, t in cols]),
             markdown_row(['---'] * (len(cols) + 1))]
    for model, row in table.items():
        if model == reference:
            continue
        gains = versus(row, table[reference])
        lines.append(markdown_row([model] + [
            '' if k not in gains else f'{gains[k][0]:+.2f}' + (
                '' if gains[k][1] is None else f' ({gains[k][1]:.1f} %)')
            for k, _ in cols]))
    return '\n'.join(lines)


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
    table, sources = read_runs(args.run)
    for task in METRICS:
        keys = dict(columns(task))
        ours = {model: {k: v for k, v in row.items() if k in keys}
                for model, row in table.items()}
        ours = {model: row for model, row in ours.items() if row}
        if not ours:
            continue
        print(results_table(task, ours))
        if args.reference in ours:
            print('\n' + versus_table(task, ours, args.reference))
        print()
    print('\n'.join(['read from:', *sources]))
    return table


if __name__ == '__main__':
    main()
