"""Segment one image; write a colour-coded mask PNG and an overlay PNG per
image (``tools/inference_seg.py``).

The mask is a palette PNG: viewers show the dataset's colours and Pillow
reads back the class indices. A single-camera config reads the image as
``ir`` (grey, repeated over three channels, as the thermal configs train)
or ``rgb`` (colour). An RGB-T config reads the RGB image and the thermal
one, either of them lost (:func:`univ_mm.utils.rgbt_inputs.camera_pair_input`).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from mmengine.config import Config
from PIL import Image

if TYPE_CHECKING:
    from torch import nn


@dataclass(frozen=True)
class Segmentation:
    """What :func:`segment_image` wrote and found."""

    #: The mask PNG, then an overlay per image drawn on.
    paths: tuple[Path, ...]
    #: How the input was read: 'ir', 'rgb', or the RGB-T cameras given
    #: ('rgb+ir', 'ir', ...).
    read_as: str
    #: Each predicted class's share of the pixels, e.g. 'car 3.1%, ...'.
    shares: str


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


def model_input(model: nn.Module, image: Path, ir: Path | None,
                modality: str | None, config: str
                ) -> tuple[np.ndarray, dict[str, np.ndarray], str]:
    """The model's input, the images to draw on (by name) and how they
    were read (:attr:`Segmentation.read_as`)."""
    from univ_mm.utils.rgbt_inputs import camera_pair_input
    pair = camera_pair_input(model, image, ir, config)
    if pair is not None:
        inputs, images = pair
        return inputs, images, '+'.join(images)
    modality = modality or config_modality(model.cfg)
    one = read_image(image, modality)
    return one, {'image': one}, modality


def class_shares(mask: np.ndarray, classes: tuple) -> str:
    """Each class of ``mask``'s share of its pixels, e.g. 'car 3.1%, ...'."""
    values, counts = np.unique(mask, return_counts=True)
    return ', '.join(f'{classes[v]} {100 * c / mask.size:.1f}%'
                     for v, c in zip(values, counts, strict=True))


def segment_image(image: Path, config: str, checkpoint: str, *,
                  ir: Path | None = None, out_dir: Path = Path('outputs'),
                  modality: str | None = None, opacity: float = 0.5,
                  device: str | None = None,
                  allow_partial_load: bool = False,
                  cfg_options: dict | None = None) -> Segmentation:
    """Segment ``image`` with the checkpoint of a segmentation config and
    write the mask and overlays to ``out_dir`` (options: the tool's).

    Raises:
        CheckpointKindError: The checkpoint is not a segmentor's.
        PartialCheckpointError: It does not fill the model (unless
            ``allow_partial_load``).
    """
    import torch
    from mmseg.apis import inference_model, init_model

    from univ_mm.checkpoint.safe_io import use_safe_checkpoints
    from univ_mm.utils.weights_check import init_checked_model
    use_safe_checkpoints()
    device = device or ('cuda:0' if torch.cuda.is_available() else 'cpu')
    model = init_checked_model(
        lambda: init_model(config, checkpoint, device=device,
                           cfg_options=cfg_options),
        checkpoint, 'segmentor', allow_partial_load)
    inputs, images, read_as = model_input(model, image, ir, modality, config)
    result = inference_model(model, inputs)
    mask = result.pred_sem_seg.data[0].cpu().numpy().astype(np.uint8)
    classes, palette = dataset_palette(model.cfg)
    stem = out_dir / (ir if str(image) == '-' else image).stem
    paths = save_outputs(images, mask, palette, stem, opacity)
    return Segmentation(paths, read_as, class_shares(mask, classes))
