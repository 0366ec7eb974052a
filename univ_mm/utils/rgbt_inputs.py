"""What the tools need to run an RGB-T model: is a config one, and the
fused input of an RGB image, a thermal image, or one of them.

A lost camera's channels are zeros and the model is told it is lost
(``RGBTFusionBackbone.drop_modality``), as ``tools/test.py
--drop-modality`` evaluates it. Torch and MMCV load on first use, so a
tool that only asks :func:`is_rgbt` answers ``--help`` without them.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from torch import nn

#: The backbone type of an RGB-T model.
FUSION_BACKBONE = 'RGBTFusionBackbone'


def is_rgbt(model_cfg: dict) -> bool:
    """Whether a model config fuses two cameras (an RGB-T config)."""
    backbone = model_cfg.get('backbone') or {}
    return str(backbone.get('type', '')).split('.')[-1] == FUSION_BACKBONE


def read_camera_images(rgb: Path | None, ir: Path | None
                       ) -> dict[str, np.ndarray]:
    """The given cameras' images, BGR ``[H, W, 3]`` uint8, by modality.

    Raises:
        ValueError: Neither image is given, or their sizes differ.
        FileNotFoundError: An image is missing or unreadable.
    """
    from univ_mm.datasets.transforms.rgbt import MODALITIES, LoadRGBTImages
    paths = {name: path for name, path in zip(MODALITIES, (rgb, ir),
                                              strict=True) if path}
    if not paths:
        raise ValueError('an RGB-T model needs an RGB image, a thermal '
                         'image (--ir) or both')
    loader = LoadRGBTImages()
    images = {name: loader.read(str(path)) for name, path in paths.items()}
    sizes = {image.shape[:2] for image in images.values()}
    if len(sizes) > 1:
        raise ValueError(f'the RGB and thermal images must be pixel-aligned '
                         f'(the same size); {rgb} and {ir} are not')
    return images


def fused_input(model: nn.Module, images: dict[str, np.ndarray]
                ) -> np.ndarray:
    """The ``[H, W, 6]`` input of ``images`` (a lost camera as zeros);
    tells ``model``'s fusion backbone which camera is lost, if one is."""
    from univ_mm.datasets.transforms.rgbt import MODALITIES
    shape = next(iter(images.values())).shape
    lost = [name for name in MODALITIES if name not in images]
    model.backbone.drop_modality = lost[0] if lost else None
    return np.concatenate([images.get(name, np.zeros(shape, np.uint8))
                           for name in MODALITIES], axis=-1)


def camera_pair_input(model: nn.Module, image: Path, ir: Path | None,
                      config: str
                      ) -> tuple[np.ndarray, dict[str, np.ndarray]] | None:
    """The fused input of an RGB-T ``model`` and its images by camera
    (``image`` the RGB one, ``-`` for a lost RGB camera; ``ir`` None for
    a lost thermal one); None for a single-camera model.

    Raises:
        ValueError: ``ir`` is given to a single-camera model (of
            ``config``).
    """
    if is_rgbt(model.cfg.model):
        rgb = None if str(image) == '-' else image
        images = read_camera_images(rgb, ir)
        return fused_input(model, images), images
    if ir is not None:
        raise ValueError(f'--ir is for RGB-T configs; {config} reads '
                         'one image')
    return None
