"""The options of ``tools/analysis/benchmark_pretrain.py``, torch-free so
that its ``--help`` answers at once."""
import argparse
from pathlib import Path

#: Generated pair kinds: ``textured_pairs``' 1/f noise at quality 90 (about
#: 115 / 60 KB per 640x512 RGB / IR image, the smooth spectrum of natural
#: photographs), and a high-entropy stress case: flatter noise with strong
#: grain at quality 92 (about 245 / 200 KB), where Huffman decoding weighs
#: more.
TEXTURES = ('smooth', 'high-entropy')


def add_pretrain_step_arguments(parser: argparse.ArgumentParser) -> None:
    """The step timing's and the cost model's options
    (:mod:`.pretrain_step`, :mod:`.cost_model`) and the pipeline mode's."""
    parser.add_argument('--batch-size', type=int, help='pairs per step '
                        '(default: the config\'s)')
    parser.add_argument('--device', help='default: cuda when available, '
                        'else cpu')
    parser.add_argument('--warmup', type=int, default=2)
    parser.add_argument('--repeats', type=int, default=5)
    parser.add_argument('--loss-batches', type=int, nargs='+',
                        default=[8, 16, 32])
    parser.add_argument('--pipeline-batches', type=int, default=10,
                        help='batches timed from the input pipeline; 0 skips')
    parser.add_argument('--synthetic', action='store_true',
                        help='feed the input pipeline generated pairs')
    parser.add_argument('--synthetic-size', type=int, nargs=2,
                        default=(512, 640), metavar=('H', 'W'),
                        help='size of the generated pairs (default: '
                        'FLIR/KAIST-like 512x640)')
    parser.add_argument('--out', type=Path, help='also write JSON here')
    parser.add_argument('--cost-model', action='store_true',
                        help='record the op list of one step on fake '
                        'tensors (nothing runs) and print a roofline '
                        'PROJECTION for named GPUs')
    add_input_pipeline_arguments(parser)


def add_input_pipeline_arguments(parser: argparse.ArgumentParser) -> None:
    """The pipeline mode's options (:mod:`.input_pipeline`)."""
    group = parser.add_argument_group('pipeline mode (--pipeline)')
    group.add_argument('--pipeline', action='store_true',
                       help='compare the config\'s input pipeline with a '
                       'release-style one instead of timing the step')
    group.add_argument('--data-root', help='pairs to read (MVIP layout, '
                       'the config\'s dataset); default: generated '
                       'textured 640x512 JPEG pairs')
    group.add_argument('--textures', nargs='+', choices=TEXTURES,
                       default=list(TEXTURES),
                       help='kinds of generated pairs, each timed in turn '
                       '(without --data-root): smooth 1/f noise at JPEG '
                       'quality 90, high-entropy noise at quality 92')
    group.add_argument('--pairs', type=int, default=48,
                       help='pairs per round')
    group.add_argument('--workers', type=int, nargs='*', default=[2],
                       help='dataloader worker counts to time')
    group.add_argument('--worker-batches', type=int, default=10,
                       help='batches timed per worker count, after 2 x '
                       'workers warm-up batches; use >= 5 x workers')
    group.add_argument('--tflops', type=float, default=445.0,
                       help='GPU rate for the step estimate (default: 45 %% '
                       'of an H200\'s 989 dense bf16 TFLOP/s)')
