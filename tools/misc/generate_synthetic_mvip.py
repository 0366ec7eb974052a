"""Write a small synthetic MVIP-shaped set of aligned RGB-IR pairs.

Example::

    python tools/misc/generate_synthetic_mvip.py data/synthetic_mvip \
        --num-pairs 256 --size 128 160 --seed 0
"""
import argparse
import json


def parse_args() -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(
        description='Generate synthetic aligned RGB-IR pairs in the MVIP '
        'layout (<out>/<source>/{vi_images,images}/training/<name>.png).')
    parser.add_argument('out_dir', help='output folder (MVIP data_root)')
    parser.add_argument(
        '--num-pairs', type=int, default=256,
        help='total number of pairs, split over the sources')
    parser.add_argument(
        '--size', type=int, nargs=2, default=(128, 160),
        metavar=('H', 'W'), help='image height and width')
    parser.add_argument(
        '--sources', nargs='+', default=('SYNTH_DAY', 'SYNTH_NIGHT'),
        help='source folder names; names containing "night" are lit at '
        'night')
    parser.add_argument('--seed', type=int, default=0, help='random seed')
    parser.add_argument(
        '--with-labels', action='store_true',
        help='also write class maps and COCO boxes (the downstream journey: '
        'tools/dataset_converters/synthetic.py lays them out as the '
        'benchmarks\' converters do)')
    return parser.parse_args()


def main() -> None:
    """Generate the set (or skip it when already complete), print a
    summary."""
    args = parse_args()
    # torch loads after the arguments parse: --help is instant
    from univ_mm.synthetic.world import generate_synthetic_mvip
    summary = generate_synthetic_mvip(
        args.out_dir, num_pairs=args.num_pairs, image_size=tuple(args.size),
        sources=tuple(args.sources), seed=args.seed,
        with_labels=args.with_labels)
    print(json.dumps(summary, indent=2))


if __name__ == '__main__':
    main()
