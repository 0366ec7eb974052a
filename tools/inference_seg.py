"""Segment one image; write a colour-coded mask PNG and an overlay PNG.

The mask is a palette PNG: viewers show the dataset's colours and Pillow
reads back the class indices. ``--modality ir`` decodes the image as grey
and repeats it over three channels (as the thermal configs train); ``rgb``
decodes colour. By default it is ``ir`` when the config normalises the
three channels alike, else ``rgb``.

An RGB-T config (``*-rgbt-*``) takes the RGB image and ``--ir`` the thermal
one; give ``-`` for a lost RGB camera or leave out ``--ir`` for a lost
thermal one (the model then runs as ``tools/test.py --drop-modality``
tests it). The overlay is drawn on each given image (``<stem>_overlay.png``
on the RGB, ``<stem>_ir_overlay.png`` on the thermal).

Example:
    python tools/inference_seg.py data/msrs/ir/img_dir/test/00001D.png \
        configs/seg/upernet_univ-vit-b_4xb2-48k_msrs-ir-512x512.py \
        work_dirs/upernet_univ-vit-b_4xb2-48k_msrs-ir-512x512/iter_48000.pth \
        --out-dir outputs --modality ir
    python tools/inference_seg.py data/mfnet/rgb/img_dir/test/00001D.png \
        configs/seg/upernet_univ-vit-b_2xb4-9.8k_mfnet-rgbt-512x512.py \
        CHECKPOINT --ir data/mfnet/ir/img_dir/test/00001D.png
"""
import argparse
from pathlib import Path

from mmengine.config import DictAction

from univ_mm.utils.arguments import add_partial_load_argument


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Command-line options (see the module docstring)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('image', type=Path, help='image file (RGB-T '
                        "configs: the RGB image, '-' if none)")
    parser.add_argument('--ir', type=Path,
                        help='RGB-T configs: the thermal image of the pair')
    parser.add_argument('config', help='segmentation config file')
    parser.add_argument('checkpoint', help='trained checkpoint')
    parser.add_argument('--out-dir', type=Path, default=Path('outputs'),
                        help='where the PNGs go (default: outputs)')
    parser.add_argument('--modality', choices=['ir', 'rgb'],
                        help='how to decode the image (default: from the '
                        'config normalisation)')
    parser.add_argument('--opacity', type=float, default=0.5,
                        help='mask weight in the overlay (default: 0.5)')
    parser.add_argument('--device',
                        help='default: cuda:0 if available, else cpu')
    add_partial_load_argument(parser)
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override config entries')
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> tuple[Path, ...]:
    """Segment the image, report the class shares; return the PNG paths."""
    args = parse_args(argv)
    # torch and the stack load after the arguments parse: --help is instant
    from univ_mm.apis import segment_image
    result = segment_image(
        args.image, args.config, args.checkpoint, ir=args.ir,
        out_dir=args.out_dir, modality=args.modality, opacity=args.opacity,
        device=args.device, allow_partial_load=args.allow_partial_load,
        cfg_options=args.cfg_options)
    print(f'{args.image} ({result.read_as}): {result.shares}')
    print(f'wrote {", ".join(map(str, result.paths))}')
    return result.paths


if __name__ == '__main__':
    main()
