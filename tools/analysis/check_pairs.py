"""Score the alignment of every RGB-IR pair of an MVIP-layout folder.

For each pair: the shift that best matches the two images' edge maps (on
a downscaled copy) and whether it is a near-duplicate of the previous pair
of its source. A pair that cannot be scored (undecodable, too small,
images that decode at different sizes) is flagged unreadable with its
reason, and the others are still scored. Writes OUT/pairs.csv,
OUT/worst_pairs.png (RGB, IR, edge overlay of the worst readable pairs),
prints a per-source summary, and with --good-list writes the unflagged
pairs as an MVIPDataset ann_file.

Example:
    python tools/analysis/check_pairs.py data/MVIP --sources LLVIP \\
        --good-list data/MVIP/splits/good.txt
"""
import argparse
import csv
import json
import os.path as osp
import sys
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import cv2
from mmengine.utils import ProgressBar


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Command-line options (see the module docstring)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('data_root', help='folder of the MVIP sources')
    parser.add_argument('--sources', nargs='+',
                        help='source folders (default: every folder with '
                        'vi_images/)')
    parser.add_argument('--split', default='training')
    parser.add_argument('--out-dir', help='default: DATA_ROOT/pair_quality')
    parser.add_argument('--max-side', type=int, default=128,
                        help='longest side of the edge maps')
    parser.add_argument('--max-shift', type=int, default=8,
                        help='largest shift tried, in edge-map pixels')
    parser.add_argument('--tolerance', type=int, default=1,
                        help='shift (edge-map pixels) still counted aligned')
    parser.add_argument('--min-match', type=float, default=0.1,
                        help='edge-map correlation below which a pair is '
                        'flagged weak_match instead of judged for shift')
    parser.add_argument('--max-hash-distance', type=int, default=4,
                        help='hash bits within which a pair is a '
                        'near-duplicate of the previous one')
    parser.add_argument('--worst', type=int, default=16,
                        help='pairs in worst_pairs.png')
    parser.add_argument('--good-list', help='write the unflagged pairs '
                        'here (rgb ir per line, relative to DATA_ROOT)')
    parser.add_argument('--workers', type=int, default=4)
    return parser.parse_args(argv)


def list_pairs(args: argparse.Namespace) -> list[dict]:
    """``source``, ``name``, ``rgb``, ``ir`` of every readable pair."""
    from univ_mm.datasets import MVIPDataset
    sources = args.sources or sorted(
        p.name for p in Path(args.data_root).iterdir()
        if (p / 'vi_images').is_dir())
    dataset = MVIPDataset(args.data_root, sources=sources, split=args.split,
                          skip_bad_items=True)
    infos = [dataset.get_data_info(i) for i in range(len(dataset))]
    return [{'source': d['source'], 'name': d['pair_name'],
             'rgb': d['rgb_path'], 'ir': d['ir_path']} for d in infos]


def score_all(pairs: list[dict], args: argparse.Namespace) -> list[dict]:
    """Score every pair with threads and a progress bar, then flag them."""
    from univ_mm.preparation.pair_quality import flag_pairs, score_or_reason
    progress = ProgressBar(len(pairs), file=sys.stdout)

    def score(pair: dict) -> dict:
        return dict(pair, **score_or_reason(pair['rgb'], pair['ir'],
                                            args.max_side, args.max_shift))

    rows = []
    with ThreadPoolExecutor(args.workers) as pool:
        for row in pool.map(score, pairs):
            rows.append(row)
            progress.update()
    print(flush=True)
    flag_pairs(rows, args.tolerance, min_match=args.min_match,
               max_hash_distance=args.max_hash_distance)
    return rows


def write_reports(rows: list[dict], args: argparse.Namespace) -> Path:
    """Write pairs.csv, worst_pairs.png and the good-pair list."""
    from univ_mm.preparation.pair_quality import (
        COLUMNS,
        readable,
        worst_pairs_grid,
    )
    out_dir = Path(args.out_dir or osp.join(args.data_root, 'pair_quality'))
    out_dir.mkdir(parents=True, exist_ok=True)
    with open(out_dir / 'pairs.csv', 'w', newline='') as file:
        writer = csv.DictWriter(file, COLUMNS, extrasaction='ignore')
        writer.writeheader()
        writer.writerows(rows)
    if readable(rows):
        cv2.imwrite(str(out_dir / 'worst_pairs.png'),
                    worst_pairs_grid(rows, args.worst))
    if args.good_list:
        root = osp.abspath(args.data_root)
        good = [f"{osp.relpath(r['rgb'], root)} {osp.relpath(r['ir'], root)}"
                for r in rows if not r['flags']]
        Path(args.good_list).write_text(''.join(f'{g}\n' for g in good))
    return out_dir


def main(argv: Sequence[str] | None = None) -> dict[str, dict]:
    """Score, report and print the per-source summary."""
    args = parse_args(argv)
    # torch loads after the arguments parse: --help is instant
    from univ_mm.preparation.pair_quality import summarize
    rows = score_all(list_pairs(args), args)
    out_dir = write_reports(rows, args)
    summary = summarize(rows)
    print(json.dumps(summary, indent=2))
    for row in rows:
        if 'reason' in row:
            print(f"unreadable {row['source']}/{row['name']}: "
                  f"{row['reason']}")
    print(f'Per-pair scores: {out_dir}/pairs.csv; worst pairs: '
          f'{out_dir}/worst_pairs.png')
    return summary


if __name__ == '__main__':
    main()
