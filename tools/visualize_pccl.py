"""Draw what PCCL does on one held-out pair of a pre-training config.

Writes the pictures of ``univ_mm.visualization.pccl_pictures`` (a pair, a
query patch's attention and pseudo pairs, PCA colours of the tokens of every
checkpoint) to --out-dir, and sends them to every vis backend of the config's
visualizer (``add_image``; TensorBoard when ``TensorboardVisBackend`` is on).

Example:
    python tools/visualize_pccl.py \
        work_dirs/evidence/supervised/pccl/pccl_vit-t_synthetic.py \
        --checkpoints iter_0.pth iter_160.pth --labels before after \
        --out-dir work_dirs/evidence/supervised/figures
"""
import argparse
from pathlib import Path

from mmengine.config import DictAction


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('config', help='pre-training config (with a '
                        'val_dataloader)')
    parser.add_argument(
        '--checkpoints', nargs='*', default=[],
        help='UNIV training checkpoints (e.g. before and after); none: the '
        'model as the config initialises it')
    parser.add_argument('--labels', nargs='*', help='one per checkpoint; '
                        'defaults to the file names')
    parser.add_argument('--index', type=int, default=0,
                        help='pair of the validation dataset')
    parser.add_argument('--query', type=int, nargs=2, metavar=('ROW', 'COL'),
                        help='query patch; defaults to the warmest IR patch')
    parser.add_argument('--out-dir', default='work_dirs/pccl_pictures')
    parser.add_argument('--step', type=int, default=0,
                        help='step the pictures are logged at')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> list[Path]:
    """Draw, write and log the pictures; return the PNG paths."""
    args = parse_args(argv)
    # torch and the stack load after the arguments parse: --help is instant
    from univ_mm.apis import visualize_pccl
    paths = visualize_pccl(
        args.config, args.checkpoints, labels=args.labels, index=args.index,
        query=args.query, out_dir=args.out_dir, step=args.step,
        cfg_options=args.cfg_options)
    print('\n'.join(map(str, paths)))
    return paths


if __name__ == '__main__':
    main()
