"""Compare UNIV-initialised and teacher-initialised segmentation results.

For one dataset, reads the mIoU of the UNIV-initialised and of the
teacher-initialised model on the infrared side and, optionally, on the RGB
side of the same scenes, and prints the gain in mIoU and the RGB retention
(UNIV RGB mIoU as a share of the teacher's; UNIV claims >= 99 %).

Each input is one of
  * the metrics JSON that ``tools/test.py`` writes
    (``WORK_DIR/<timestamp>/<timestamp>.json``),
  * a training log of JSON lines (``vis_data/scalars.json``): its last
    record with an mIoU,
  * a work dir: the newest of those files in it that holds an mIoU.

Example:
    python tools/analysis/compare_seg.py --dataset MSRS \
        --univ-ir work_dirs/msrs-ir_univ \
        --teacher-ir work_dirs/msrs-ir_teacher \
        --univ-rgb work_dirs/msrs-rgb_univ \
        --teacher-rgb work_dirs/msrs-rgb_teacher
"""
import argparse
import json
from pathlib import Path

#: The RGB retention UNIV claims, in percent of the teacher.
CLAIMED_RETENTION = 99.0


def records(path: Path) -> list[dict]:
    """The JSON objects of a file holding one object or JSON lines."""
    text = path.read_text()
    try:
        data = json.loads(text)
        return data if isinstance(data, list) else [data]
    except json.JSONDecodeError:
        return [json.loads(line) for line in text.splitlines()
                if line.strip()]


def metric_files(work_dir: Path) -> list[Path]:
    """Metric files of a work dir, newest run first (test JSON first)."""
    runs = sorted((p for p in work_dir.iterdir() if p.is_dir()),
                  key=lambda p: p.name, reverse=True)
    files = []
    for run in runs:
        files += [run / f'{run.name}.json', run / 'vis_data' / 'scalars.json']
    return [f for f in files if f.is_file()]


def read_miou(path: Path) -> tuple[float, Path]:
    """The last mIoU in ``path`` (a file or a work dir) and its file.

    Raises:
        FileNotFoundError: ``path`` does not exist.
        ValueError: No mIoU record was found.
    """
    if not path.exists():
        raise FileNotFoundError(f'{path} does not exist')
    for file in metric_files(path) if path.is_dir() else [path]:
        found = [r['mIoU'] for r in records(file) if 'mIoU' in r]
        if found:
            return float(found[-1]), file
    raise ValueError(
        f'no mIoU record in {path}. Pass the metrics JSON written by '
        'tools/test.py (WORK_DIR/<timestamp>/<timestamp>.json), a '
        'vis_data/scalars.json with validation records, or their work dir.')


def compare(ir: tuple[float, float],
            rgb: tuple[float, float] | None = None) -> dict:
    """Gains and retention from ``(univ, teacher)`` mIoU pairs.

    Returns:
        dict: ``ir_gain`` and, with ``rgb``, ``rgb_gain`` and
        ``rgb_retention`` (percent).
    """
    result = {'ir_gain': ir[0] - ir[1]}
    if rgb is not None:
        if rgb[1] <= 0:
            raise ValueError(f'the teacher RGB mIoU is {rgb[1]}; the RGB '
                             'retention is undefined. Check that file.')
        result['rgb_gain'] = rgb[0] - rgb[1]
        result['rgb_retention'] = 100 * rgb[0] / rgb[1]
    return result


def format_table(dataset: str, rows: dict[str, tuple[float, float]],
                 result: dict) -> str:
    """A Markdown table of the comparison."""
    lines = [f'{dataset}: UNIV-init vs teacher-init (mIoU, %)', '',
             '| side | teacher | UNIV | gain |', '|---|---|---|---|']
    lines += [f'| {side} | {teacher:.2f} | {univ:.2f} | '
              f'{result[f"{side.lower()}_gain"]:+.2f} |'
              for side, (univ, teacher) in rows.items()]
    if 'rgb_retention' in result:
        verdict = 'meets' if result['rgb_retention'] >= CLAIMED_RETENTION \
            else 'misses'
        lines += ['', f'RGB retention: {result["rgb_retention"]:.1f} % of '
                  f'the teacher ({verdict} the claimed >= '
                  f'{CLAIMED_RETENTION:.0f} %)']
    return '\n'.join(lines)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--dataset', default='dataset', help='name to print')
    for side in ('ir', 'rgb'):
        for init in ('univ', 'teacher'):
            parser.add_argument(f'--{init}-{side}', type=Path,
                                required=side == 'ir',
                                help=f'{init}-initialised, {side.upper()}')
    args = parser.parse_args(argv)
    if (args.univ_rgb is None) != (args.teacher_rgb is None):
        parser.error('give both --univ-rgb and --teacher-rgb, or neither')
    return args


def main(argv: list[str] | None = None) -> dict:
    args = parse_args(argv)
    sides = ['ir'] + (['rgb'] if args.univ_rgb is not None else [])
    rows, sources = {}, []
    for side in sides:
        univ, univ_file = read_miou(getattr(args, f'univ_{side}'))
        teacher, teacher_file = read_miou(getattr(args, f'teacher_{side}'))
        rows[side.upper()] = (univ, teacher)
        sources += [f'  {side} UNIV: {univ_file}',
                    f'  {side} teacher: {teacher_file}']
    result = compare(rows['IR'], rows.get('RGB'))
    print(format_table(args.dataset, rows, result))
    print('\n'.join(['', 'read from:', *sources]))
    return result


if __name__ == '__main__':
    main()
