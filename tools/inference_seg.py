"""Segment one image; write a colour-coded mask PNG and an overlay PNG.

The mask is a palette PNG: viewers show the dataset's colours and Pillow
reads back the class indices. ``--modality ir`` decodes the image as grey
and repeats it over three channels (as the thermal configs train); ``rgb``
decodes colour. By default it is ``ir`` when the config normalises the
three channels alike, else ``rgb``.

Example:
    python tools/inference_seg.py data/msrs/ir/img_dir/test/00001D.png \
        configs/seg/upernet_univ-vit-b_4xb2-48k_msrs-ir-512x512.py \
        work_dirs/upernet_univ-vit-b_4xb2-48k_msrs-ir-512x512/iter_48000.pth \
        --out-dir outputs --modality ir
"""
import argparse
from pathlib import Path

import numpy as np
from mmengine.config import Config, DictAction
from PIL import Image

from univ_mm.utils.arguments import add_partial_load_argument


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('image', type=Path, help='image file')
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


def save_outputs(image: np.ndarray, mask: np.ndarray, palette: np.ndarray,
                 stem: Path, opacity: float) -> tuple[Path, Path]:
    """Write ``<stem>_mask.png`` (palette PNG) and ``<stem>_overlay.png``."""
    stem.parent.mkdir(parents=True, exist_ok=True)
    mask_path = stem.with_name(f'{stem.name}_mask.png')
    overlay_path = stem.with_name(f'{stem.name}_overlay.png')
    indexed = Image.fromarray(mask)
    indexed.putpalette(palette.ravel().tolist())
    indexed.save(mask_path)
    blend = (1 - opacity) * image[..., ::-1] + opacity * palette[mask]
    Image.fromarray(blend.round().astype(np.uint8)).save(overlay_path)
    return mask_path, overlay_path


def main(argv: list[str] | None = None) -> tuple[Path, Path]:
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
    cfg = model.cfg
    modality = args.modality or config_modality(cfg)
    image = read_image(args.image, modality)
    result = inference_model(model, image)
    mask = result.pred_sem_seg.data[0].cpu().numpy().astype(np.uint8)
    classes, palette = dataset_palette(cfg)
    paths = save_outputs(image, mask, palette,
                         args.out_dir / args.image.stem, args.opacity)
    values, counts = np.unique(mask, return_counts=True)
    shares = ', '.join(f'{classes[v]} {100 * c / mask.size:.1f}%'
                       for v, c in zip(values, counts, strict=True))
    print(f'{args.image} ({modality}): {shares}')
    print(f'wrote {paths[0]} and {paths[1]}')
    return paths


if __name__ == '__main__':
    main()
