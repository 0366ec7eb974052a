"""Measure a UNIV pre-training step against its compute floor.

Everything runs in one process after warm-up; times are medians. Example
(ViT-S at 224 on CPU, synthetic pairs for the input pipeline; ConvMAE
configs work the same way):

    python tools/analysis/benchmark_pretrain.py \
        configs/pretrain/univ_vit-s_mvip.py --batch-size 8 --synthetic
"""
import argparse

from univ_mm.benchmarks.arguments import add_pretrain_step_arguments
from univ_mm.utils.arguments import add_runner_arguments


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('config', help='pre-training config')
    add_pretrain_step_arguments(parser)
    add_runner_arguments(parser)
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    # torch and the stack load after parsing: --help answers at once
    from univ_mm.benchmarks.pretrain_step import run
    run(args)


if __name__ == '__main__':
    main()
