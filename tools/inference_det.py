"""Detect objects in one image and write it with the predicted boxes drawn.

Example:
    python tools/inference_det.py demo.jpeg \
        configs/det/faster-rcnn_univ-vit-b-p16-sfp_1xb2-53k_flir-ir-1024.py \
        work_dirs/flir/iter_53172.pth --out-file result.png --score-thr 0.3
"""
from __future__ import annotations

import argparse
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

from mmengine.config import DictAction

from univ_mm.utils.arguments import add_partial_load_argument

if TYPE_CHECKING:
    from torch import nn

#: MMDet's visualizer writes a box's label inside its top-left corner, past
#: the image for a box along its right or bottom edge, and warns; matplotlib
#: clips the label.
TEXT_OUT_OF_BOUNDS = 'Warning: The text is out of bounds'


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options (see the module docstring)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('image', type=Path, help='image file')
    parser.add_argument('config', help='detection config file')
    parser.add_argument('checkpoint', help='trained detector checkpoint')
    parser.add_argument('--out-file', type=Path, required=True,
                        help='where the drawn image goes (e.g. out.png)')
    parser.add_argument('--score-thr', type=float, default=0.3,
                        help='draw boxes scoring at least this')
    parser.add_argument('--device', default='cpu',
                        help='e.g. cuda:0 (default: cpu)')
    add_partial_load_argument(parser)
    parser.add_argument(
        '--cfg-options', nargs='+', action=DictAction,
        help='override config entries, e.g. model.backbone.arch=l')
    return parser.parse_args(argv)


def draw(model: nn.Module, image: Path, out_file: Path,
         score_thr: float) -> int:
    """Run ``model`` on ``image``, draw its boxes; return how many drawn."""
    import mmcv
    from mmdet.apis import inference_detector
    from mmdet.registry import VISUALIZERS
    result = inference_detector(model, str(image))
    visualizer = VISUALIZERS.build(
        dict(model.cfg.visualizer, name='inference_det'))
    visualizer.dataset_meta = model.dataset_meta
    rgb = mmcv.imread(str(image), channel_order='rgb')
    out_file.parent.mkdir(parents=True, exist_ok=True)
    with warnings.catch_warnings():
        warnings.filterwarnings('ignore', TEXT_OUT_OF_BOUNDS, UserWarning)
        visualizer.add_datasample(
            image.name, rgb, data_sample=result, draw_gt=False,
            pred_score_thr=score_thr, out_file=str(out_file))
    return int((result.pred_instances.scores >= score_thr).sum())


def main(argv: list[str] | None = None) -> None:
    """Load the detector, draw its boxes on the image, report the count."""
    args = parse_args(argv)
    # torch and the stack load after the arguments parse: --help is instant
    from mmdet.apis import init_detector

    from univ_mm.checkpoint.safe_io import use_safe_checkpoints
    from univ_mm.utils.weights_check import (
        check_checkpoint_fills_model,
        check_checkpoint_kind,
    )
    use_safe_checkpoints()
    if not args.image.is_file():
        raise FileNotFoundError(f'{args.image} is missing')
    check_checkpoint_kind(args.checkpoint, 'detector')
    model = init_detector(args.config, args.checkpoint, device=args.device,
                          cfg_options=args.cfg_options)
    check_checkpoint_fills_model(model, args.checkpoint,
                                 args.allow_partial_load)
    count = draw(model, args.image, args.out_file, args.score_thr)
    print(f'{count} boxes with score >= {args.score_thr} drawn to '
          f'{args.out_file}')


if __name__ == '__main__':
    main()
