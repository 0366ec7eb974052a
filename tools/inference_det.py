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
import argparse
from pathlib import Path

from mmengine.config import DictAction

from univ_mm.utils.arguments import add_partial_load_argument


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


def main(argv: list[str] | None = None) -> None:
    """Load the detector, draw its boxes on the image, report the count."""
    args = parse_args(argv)
    # torch and the stack load after the arguments parse: --help is instant
    from univ_mm.apis import detect_image
    count = detect_image(
        args.image, args.config, args.checkpoint, out_file=args.out_file,
        ir=args.ir, score_thr=args.score_thr, device=args.device,
        allow_partial_load=args.allow_partial_load,
        cfg_options=args.cfg_options)
    print(f'{count} boxes with score >= {args.score_thr} drawn to '
          f'{args.out_file}')


if __name__ == '__main__':
    main()
