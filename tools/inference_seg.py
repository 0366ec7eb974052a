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

import numpy as np
from mmengine.config import Config, DictAction
from PIL import Image

from univ_mm.utils.arguments import add_partial_load_argument


def parse_args(argv: list[str] | None) -> argparse.Namespace:
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


def config_modality(cfg: Config) -> str:
    """'ir' when the config normalises all channels alike, else 'rgb'."""
    mean = cfg.model.data_preprocessor.get('mean') or [0]
    return 'ir' if len(set(mean)) == 1 else 'rgb'


def read_image(path: Path, modality: str) -> np.ndarray:
    """Decode ``path`` as a BGR ``[H, W, 3]`` uint8 array.

    Raises:
        FileNotFoundError: The image is missing or unreadable.
    """
    if not path.is_file():
        raise FileNotFoundError(f'image {path} does not exist')
    import mmcv
    flag = 'grayscale' if modality == 'ir' else 'color'
    image = mmcv.imread(str(path), flag=flag)
    if image is None:
        raise FileNotFoundError(f'{path} could not be decoded as an image')
    return np.repeat(image[..., None], 3, axis=2) if image.ndim == 2 else image


def dataset_palette(cfg: Config) -> tuple[tuple, np.ndarray]:
    """Class names and ``[K, 3]`` RGB palette of the config's test set."""
    from mmseg.registry import DATASETS
    dataset = cfg.test_dataloader.dataset
    meta = {**DATASETS.get(dataset.type).METAINFO,
            **(dataset.get('metainfo') or {})}
    return tuple(meta['classes']), np.asarray(meta['palette'], np.uint8)


def save_outputs(images: dict[str, np.ndarray], mask: np.ndarray,
                 palette: np.ndarray, stem: Path, opacity: float
                 ) -> tuple[Path, ...]:
    """Write ``<stem>_mask.png`` (palette PNG) and an overlay per image:
    ``<stem>_overlay.png`` on the one image (or an RGB-T pair's RGB) and
    ``<stem>_ir_overlay.png`` on an RGB-T pair's thermal image."""
    stem.parent.mkdir(parents=True, exist_ok=True)
    mask_path = stem.with_name(f'{stem.name}_mask.png')
    indexed = Image.fromarray(mask)
    indexed.putpalette(palette.ravel().tolist())
    indexed.save(mask_path)
    paths = [mask_path]
    for name, image in images.items():
        infix = '_ir' if name == 'ir' else ''
        paths.append(stem.with_name(f'{stem.name}{infix}_overlay.png'))
        blend = (1 - opacity) * image[..., ::-1] + opacity * palette[mask]
        Image.fromarray(blend.round().astype(np.uint8)).save(paths[-1])
    return tuple(paths)


def model_input(model, args: argparse.Namespace
                ) -> tuple[np.ndarray, dict[str, np.ndarray], str]:
    """The model's input, the images to draw on (by name) and how they
    were read (for the summary line)."""
    from univ_mm.utils.rgbt_inputs import (
        fused_input,
        is_rgbt,
        read_camera_images,
    )
    if is_rgbt(model.cfg.model):
        rgb = None if str(args.image) == '-' else args.image
        images = read_camera_images(rgb, args.ir)
        return fused_input(model, images), images, '+'.join(images)
    if args.ir is not None:
        raise ValueError(f'--ir is for RGB-T configs; {args.config} reads '
                         'one image')
    modality = args.modality or config_modality(model.cfg)
    image = read_image(args.image, modality)
    return image, {'image': image}, modality


def main(argv: list[str] | None = None) -> tuple[Path, ...]:
    args = parse_args(argv)
    # torch and the stack load after the arguments parse: --help is instant
    import torch
    from mmseg.apis import inference_model, init_model

    from univ_mm.checkpoint.safe_io import use_safe_checkpoints
    from univ_mm.utils.weights_check import (
        check_checkpoint_fills_model,
        check_checkpoint_kind,
    )
    use_safe_checkpoints()
    check_checkpoint_kind(args.checkpoint, 'segmentor')
    device = args.device or ('cuda:0' if torch.cuda.is_available() else 'cpu')
    model = init_model(args.config, args.checkpoint, device=device,
                       cfg_options=args.cfg_options)
    check_checkpoint_fills_model(model, args.checkpoint,
                                 args.allow_partial_load)
    inputs, images, read_as = model_input(model, args)
    result = inference_model(model, inputs)
    mask = result.pred_sem_seg.data[0].cpu().numpy().astype(np.uint8)
    classes, palette = dataset_palette(model.cfg)
    stem = args.out_dir / (args.ir if str(args.image) == '-' else
                           args.image).stem
    paths = save_outputs(images, mask, palette, stem, args.opacity)
    values, counts = np.unique(mask, return_counts=True)
    shares = ', '.join(f'{classes[v]} {100 * c / mask.size:.1f}%'
                       for v, c in zip(values, counts, strict=True))
    print(f'{args.image} ({read_as}): {shares}')
    print(f'wrote {", ".join(map(str, paths))}')
    return paths


if __name__ == '__main__':
    main()
