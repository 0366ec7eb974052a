"""Train a UNIV model with MMEngine's runner.

Example:
    python tools/train.py configs/pretrain/univ_vit-b_mvip.py \
        --cfg-options model.teacher.init_cfg.checkpoint=mae_vit-b.pth
"""
import argparse
import os
from pathlib import Path

from mmengine.config import Config, DictAction
from mmengine.runner import Runner

import univ_mm  # noqa: F401  (registers the univ_mm modules)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('config', help='training config file')
    parser.add_argument('--work-dir', help='where logs and checkpoints go')
    parser.add_argument(
        '--resume', nargs='?', const='auto', metavar='CHECKPOINT',
        help='resume from CHECKPOINT, or, without a path, from the latest '
        'checkpoint in the work dir')
    parser.add_argument('--amp', action='store_true',
                        help='mixed precision (AmpOptimWrapper)')
    parser.add_argument(
        '--cfg-options', nargs='+', action=DictAction,
        help='override config entries, e.g. train_dataloader.batch_size=16')
    parser.add_argument('--launcher', default='none',
                        choices=['none', 'pytorch', 'slurm', 'mpi'])
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    args = parser.parse_args()
    os.environ.setdefault('LOCAL_RANK', str(args.local_rank))
    return args


def apply_args(cfg: Config, args: argparse.Namespace) -> Config:
    """Fold the command-line choices into the config."""
    cfg.launcher = args.launcher
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    default_dir = Path('work_dirs') / Path(args.config).stem
    cfg.work_dir = args.work_dir or cfg.get('work_dir') or str(default_dir)
    if args.amp:
        cfg.optim_wrapper.type = 'AmpOptimWrapper'
        cfg.optim_wrapper.setdefault('loss_scale', 'dynamic')
    if args.resume is not None:
        cfg.resume = True
        cfg.load_from = None if args.resume == 'auto' else args.resume
    return cfg


def main() -> None:
    args = parse_args()
    cfg = apply_args(Config.fromfile(args.config), args)
    Runner.from_cfg(cfg).train()


if __name__ == '__main__':
    main()
