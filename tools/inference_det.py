"""Detect objects in one image and write it with the predicted boxes drawn.

An RGB-T config (``*-rgbt-*``) takes the RGB image and ``--ir`` the thermal
one; give ``-`` for a lost RGB camera or leave out ``--ir`` for a lost
thermal one (the model then runs as ``tools/test.py --drop-modality``
tests it). The boxes are drawn on each given image: ``--out-file`` (RGB)
and ``<out-file stem>_ir<suffix>`` (thermal).

Example:
    python tools/inference_det.py demo.jpeg \
        configs/det/faster-rcnn_univ-vit-b-p16-sfp_1xb2-53k_flir-ir-1024.py \
        work_dirs/flir/iter_53172.pth --out-file result.png --score-thr 0.3
python tools/inference_det.py data/LLVIP/visible/test/190001.jpg \
    configs/det/faster-rcnn_univ-vit-b-p16-sfp_1xb2-12e_llvip-rgbt-1024.py \
    CHECKPOINT --ir data/LLVIP/infrared/test/190001.jpg --out-file out.png
"""
from __future__ import annotations

import argparse
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

from mmengine.config import DictAction

from univ_mm.utils.arguments import add_partial_load_argument

if TYPE_CHECKING:
    import numpy as np
    from torch import nn

#: MMDet's visualizer writes a box's label inside its top-left corner, past
#: the image for a box along its right or bottom edge, and warns; matplotlib
#: clips the label.
TEXT_OUT_OF_BOUNDS = 'Warning: The text is out of bounds'


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options (see the module docstring)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('image', type=Path, help='image file (RGB-T '
                        "configs: the RGB image, '-' if none)")
    parser.add_argument('--ir', type=Path,
                        help='RGB-T configs: the thermal image of the pair')
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


def draw(model: nn.Module, inputs: str | np.ndarray,
         images: dict[str, np.ndarray], out_file: Path,
         score_thr: float) -> int:
    """Run ``model`` on ``inputs``, draw its boxes on each BGR image of
    ``images`` (a thermal one to ``<stem>_ir<suffix>``); return how many
    boxes each shows."""
    from mmdet.apis import inference_detector
    from mmdet.registry import VISUALIZERS
    result = inference_detector(model, inputs)
    visualizer = VISUALIZERS.build(
        dict(model.cfg.visualizer, name='inference_det'))
    visualizer.dataset_meta = model.dataset_meta
    out_file.parent.mkdir(parents=True, exist_ok=True)
    for name, image in images.items():
        out = out_file.with_name(f'{out_file.stem}_ir{out_file.suffix}') \
            if name == 'ir' else out_file
        with warnings.catch_warnings():
            warnings.filterwarnings('ignore', TEXT_OUT_OF_BOUNDS, UserWarning)
            visualizer.add_datasample(
                out.stem, image[..., ::-1], data_sample=result,
                draw_gt=False, pred_score_thr=score_thr, out_file=str(out))
    return int((result.pred_instances.scores >= score_thr).sum())


def model_input(model: nn.Module, args: argparse.Namespace
                ) -> tuple[str | np.ndarray, dict[str, np.ndarray]]:
    """The detector's input and the BGR images to draw on, by name."""
    import mmcv

    from univ_mm.utils.rgbt_inputs import (
        fused_input,
        is_rgbt,
        read_camera_images,
    )
    if is_rgbt(model.cfg.model):
        rgb = None if str(args.image) == '-' else args.image
        images = read_camera_images(rgb, args.ir)
        return fused_input(model, images), images
    if args.ir is not None:
        raise ValueError(f'--ir is for RGB-T configs; {args.config} reads '
                         'one image')
    if not args.image.is_file():
        raise FileNotFoundError(f'{args.image} is missing')
    return str(args.image), {'image': mmcv.imread(str(args.image))}


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
    check_checkpoint_kind(args.checkpoint, 'detector')
    model = init_detector(args.config, args.checkpoint, device=args.device,
                          cfg_options=args.cfg_options)
    check_checkpoint_fills_model(model, args.checkpoint,
                                 args.allow_partial_load)
    inputs, images = model_input(model, args)
    count = draw(model, inputs, images, args.out_file, args.score_thr)
    print(f'{count} boxes with score >= {args.score_thr} drawn to '
          f'{args.out_file}')


if __name__ == '__main__':
    main()
