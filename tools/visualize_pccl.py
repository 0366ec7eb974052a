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

from mmengine.config import Config, DictAction


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
    from univ_mm.checkpoint.safe_io import use_safe_checkpoints
    from univ_mm.utils.weights_check import check_checkpoint_kind, model_kind
    from univ_mm.visualization.pccl_pictures import write_pictures
    cfg = Config.fromfile(args.config)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    labels = args.labels or [Path(c).stem for c in args.checkpoints] or [
        'init']
    if len(labels) != max(len(args.checkpoints), 1):
        raise SystemExit(
            f'--labels gives {len(labels)} labels for '
            f'{len(args.checkpoints)} checkpoints; give one label per '
            'checkpoint (one label without --checkpoints), or none')
    use_safe_checkpoints()
    for checkpoint in args.checkpoints:
        check_checkpoint_kind(checkpoint, model_kind(cfg.model))
    paths = write_pictures(cfg, args.checkpoints, labels, args.out_dir,
                           args.index, args.query, args.step)
    print('\n'.join(map(str, paths)))
    return paths


if __name__ == '__main__':
    main()
