"""Summarise a run: every logged loss at its start and end, and exports.

The log segments of a resumed run are joined; segmentation and detection
work dirs work too (their loss terms are printed).

Example:
    python tools/analysis/summarize_run.py work_dirs/demo
"""
import argparse
import json
from pathlib import Path


def scalar_files(work_dir: Path) -> list[Path]:
    """The ``scalars.json`` of every run segment in ``work_dir``, oldest
    first (a resumed run writes a new timestamped folder)."""
    found = sorted(work_dir.glob('*/vis_data/scalars.json'))
    if not found:
        raise FileNotFoundError(
            f'no */vis_data/scalars.json under {work_dir}: did training run '
            'with LocalVisBackend?')
    return found


def loss_records(scalars: list[Path]) -> list[dict]:
    """The logged training records that carry a loss, by iteration; an
    iteration logged again after a resume keeps its newest record."""
    by_iter = {}
    for path in scalars:
        for line in path.read_text().splitlines():
            record = json.loads(line) if line.strip() else {}
            if 'loss' in record:
                by_iter[record['iter']] = record
    return [by_iter[i] for i in sorted(by_iter)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('work_dir', type=Path)
    work_dir = parser.parse_args().work_dir
    records = loss_records(scalar_files(work_dir))
    if not records:
        raise SystemExit(f'no loss was logged under {work_dir}')
    first, last = records[0], records[-1]
    for name in (k for k in first if 'loss' in k and k in last):
        print(f'{name:>16}: {first[name]:.4f} (iter {first["iter"]}) -> '
              f'{last[name]:.4f} (iter {last["iter"]})')
    for path in sorted(work_dir.glob('univ_backbone_iter_*.pth')):
        print(f'merged backbone: {path}')


if __name__ == '__main__':
    main()
