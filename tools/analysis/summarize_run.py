"""Summarise a run: every logged loss at its start and end, and exports.

The log segments of a resumed run are joined; segmentation and detection
work dirs work too (their loss terms are printed).

Example:
    python tools/analysis/summarize_run.py work_dirs/demo
"""
import argparse
from pathlib import Path

from univ_mm.utils.scalars import read_scalar_log, scalar_logs


def loss_records(work_dir: Path) -> list[dict]:
    """The logged training records that carry a loss, by iteration, over
    every run segment; an iteration logged again after a resume keeps its
    newest record."""
    by_iter = {record['iter']: record for path in scalar_logs(work_dir)
               for record in read_scalar_log(path) if 'loss' in record}
    return [by_iter[i] for i in sorted(by_iter)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('work_dir', type=Path)
    work_dir = parser.parse_args().work_dir
    # torch loads after the arguments parse: --help is instant
    from univ_mm.engine.hooks.merged_backbone_export_hook import (
        MERGED_BACKBONE_TMPL,
    )
    records = loss_records(work_dir)
    if not records:
        raise SystemExit(f'no loss was logged under {work_dir}')
    first, last = records[0], records[-1]
    for name in (k for k in first if 'loss' in k and k in last):
        print(f'{name:>16}: {first[name]:.4f} (iter {first["iter"]}) -> '
              f'{last[name]:.4f} (iter {last["iter"]})')
    for path in sorted(work_dir.glob(MERGED_BACKBONE_TMPL.format('*'))):
        print(f'merged backbone: {path}')


if __name__ == '__main__':
    main()
