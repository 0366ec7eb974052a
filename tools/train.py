"""Train a UNIV model with MMEngine's runner.

Example:
    python tools/train.py configs/pretrain/univ_vit-b_mvip.py \
        --cfg-options model.teacher.init_cfg.checkpoint=mae_vit-b.pth
"""
import argparse

from mmengine.config import Config
from mmengine.runner import Runner

from univ_mm.utils import latest_checkpoint
from univ_mm.utils.cli import (
    add_runner_arguments,
    init_distributed_on_cpu,
    load_config,
)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('config', help='training config file')
    parser.add_argument(
        '--resume', nargs='?', const='auto', metavar='CHECKPOINT',
        help='resume from CHECKPOINT, or, without a path, from the newest '
        'complete checkpoint in the work dir')
    parser.add_argument('--amp', action='store_true',
                        help='mixed precision (AmpOptimWrapper)')
    add_runner_arguments(parser)
    return parser.parse_args()


def apply_training_args(cfg: Config, args: argparse.Namespace) -> Config:
    """Fold ``--amp`` and ``--resume`` into the config."""
    if args.amp:
        cfg.optim_wrapper.type = 'AmpOptimWrapper'
        cfg.optim_wrapper.setdefault('loss_scale', 'dynamic')
    if args.resume == 'auto':
        newest = latest_checkpoint(cfg.work_dir)
        cfg.resume = newest is not None
        cfg.load_from = None if newest is None else str(newest)
        print(f'--resume: {newest or "no checkpoint, starting afresh"}')
    elif args.resume is not None:
        cfg.resume, cfg.load_from = True, args.resume
    return cfg


def main() -> None:
    args = parse_args()
    cfg = apply_training_args(load_config(args), args)
    init_distributed_on_cpu(cfg)
    Runner.from_cfg(cfg).train()


if __name__ == '__main__':
    main()
