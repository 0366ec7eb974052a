"""The options of ``projects/pccl_evidence/run.py``, checked early."""
import argparse
import os
from pathlib import Path

from mmengine.config import DictAction

from .settings import PRESETS, TEACHERS


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(description='Show what PCCL does, at '
                                     'toy scale on CPU, for three kinds of '
                                     'teacher.')
    parser.add_argument('--out-dir', default='work_dirs/evidence')
    parser.add_argument('--preset', choices=sorted(PRESETS), default='full')
    parser.add_argument('--teachers', nargs='+', choices=list(TEACHERS),
                        default=list(TEACHERS), help='teachers to run, in '
                        'this order; defaults to all three')
    parser.add_argument('--seed', type=int, default=0,
                        help='data seeds are seed, seed+1, seed+2; training '
                        'runs use seed')
    parser.add_argument(
        '--pccl-lr', type=float, help='PCCL learning rate; defaults to the '
        'official rule, 1.5e-4 per 256 pairs scaled to the batch (the demo '
        'config\'s 1e-3 is for a random teacher)')
    parser.add_argument('--pccl-iters', type=int,
                        help='PCCL iterations; defaults to the preset\'s')
    parser.add_argument('--teacher', help='reuse this teacher checkpoint '
                        '(a teacher stage\'s iter_N.pth) instead of training '
                        'one; it must match the preset and the one teacher '
                        'of --teachers')
    parser.add_argument(
        '--cfg-options', nargs='+', action=DictAction, default={},
        help='overrides of the PCCL config, e.g. '
        'model.head.loss.threshold=0.3 (a variant; the table is labelled '
        'with them)')
    parser.add_argument(
        '--compare', nargs='+', metavar='LABEL=EVIDENCE_JSON',
        help='print one table of these finished runs (their evidence.json, '
        'each of the one teacher of --teachers) and stop')
    parser.add_argument(
        '--workers', type=int, default=len(os.sched_getaffinity(0)),
        help='worker processes, one torch thread each (the numbers do not '
        'depend on it); defaults to the cores this process may use')
    args = parser.parse_args(argv)
    if args.workers < 1:
        parser.error(f'--workers {args.workers}: at least one worker runs '
                     'the jobs')
    if args.teacher and len(args.teachers) != 1:
        parser.error(f'--teacher {args.teacher} is one teacher checkpoint: '
                     'name its kind alone with --teachers')
    if args.compare and len(args.teachers) != 1:
        parser.error('--compare prints the runs of one teacher: name it '
                     'alone with --teachers')
    for run in args.compare or ():
        label, _, path = run.partition('=')
        if not (label and path):
            parser.error(f'--compare {run}: give each run as '
                         'LABEL=path/to/evidence.json')
        if not Path(path).is_file():
            parser.error(f'--compare {run}: {path} does not exist; it is '
                         'written at the end of a run, into its --out-dir')
    return args
