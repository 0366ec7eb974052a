"""Summarise a finished run: the loss at its start and end, and exports.

Example:
    python tools/analysis/summarize_run.py work_dirs/demo
"""
import argparse
import json
from pathlib import Path


def latest_scalars(work_dir: Path) -> Path:
    """The ``scalars.json`` of the newest run in ``work_dir``."""
    found = sorted(work_dir.glob('*/vis_data/scalars.json'))
    if not found:
        raise FileNotFoundError(
            f'no */vis_data/scalars.json under {work_dir}: did training run '
            'with LocalVisBackend?')
    return found[-1]


def loss_records(scalars: Path) -> list[dict]:
    """The logged training records that carry a loss, in order."""
    lines = scalars.read_text().splitlines()
    records = [json.loads(line) for line in lines if line.strip()]
    return [r for r in records if 'loss' in r]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('work_dir', type=Path)
    work_dir = parser.parse_args().work_dir
    records = loss_records(latest_scalars(work_dir))
    if not records:
        raise SystemExit(f'no loss was logged under {work_dir}')
    first, last = records[0], records[-1]
    for name in ('loss', 'loss_ir', 'loss_rgb'):
        print(f'{name:>9}: {first[name]:.4f} (iter {first["iter"]}) -> '
              f'{last[name]:.4f} (iter {last["iter"]})')
    for path in sorted(work_dir.glob('univ_backbone_iter_*.pth')):
        print(f'merged backbone: {path}')


if __name__ == '__main__':
    main()
