"""Fused RGB-thermal (RGB-T) images for MMSegmentation and MMDetection.

A fused sample holds one ``(H, W, 6)`` array under ``img``: channels 0-2
are the RGB image in BGR order (as :class:`mmcv.transforms.LoadImageFromFile`
gives), channels 3-5 the thermal image decoded as colour. Stock geometric
transforms act on the whole array, so both modalities move together;
:class:`PerModality` confines a transform (a photometric one) to one of
them.
"""
from collections.abc import Sequence

import mmcv
import numpy as np
from mmcv.transforms import BaseTransform, Compose
from mmengine import fileio

from univ_mm.registry import TRANSFORMS

#: The modalities of a fused image, in channel order, 3 channels each.
MODALITIES = ('rgb', 'ir')
CHANNELS_PER_MODALITY = 3


@TRANSFORMS.register_module()
class LoadRGBTImages(BaseTransform):
    """Load an RGB image and its pixel-aligned thermal twin as one array.

    Required keys: ``img_path`` (RGB), ``ir_path`` (thermal). Added keys:
    ``img`` (``(H, W, 6)``, see the module description), ``img_shape``,
    ``ori_shape`` and ``modalities`` (``('rgb', 'ir')``).

    Both files are decoded as colour, so a grey thermal image becomes 3
    identical channels. The two images must have the same height and
    width.

    Args:
        to_float32 (bool): Convert the fused image to float32.
            Defaults to False (uint8).
        imdecode_backend (str): Backend of :func:`mmcv.imfrombytes`.
            Defaults to 'cv2'.
        backend_args (dict, optional): File backend arguments of
            :func:`mmengine.fileio.get`. Defaults to None.
    """

    def __init__(self,
                 to_float32: bool = False,
                 imdecode_backend: str = 'cv2',
                 backend_args: dict | None = None) -> None:
        self.to_float32 = to_float32
        self.imdecode_backend = imdecode_backend
        self.backend_args = backend_args.copy() if backend_args else None

    def read(self, path: str) -> np.ndarray:
        """One image, decoded as 3-channel BGR; errors name the file."""
        try:
            data = fileio.get(path, backend_args=self.backend_args)
        except OSError as err:
            raise FileNotFoundError(
                f'Cannot read image {path!r}: {err}. Check the dataset\'s '
                'data_root and data_prefix.') from err
        image = mmcv.imfrombytes(data, flag='color',
                                 backend=self.imdecode_backend)
        if image is None:
            raise ValueError(f'Cannot decode image {path!r}; replace or '
                             'remove the file.')
        return image

    def transform(self, results: dict) -> dict:
        """Load and fuse both images of the pair.

        Args:
            results (dict): Holds ``img_path`` and ``ir_path``.

        Returns:
            dict: ``results`` with ``img``, ``img_shape``, ``ori_shape`` and
            ``modalities`` added.
        """
        rgb_path, ir_path = results['img_path'], results['ir_path']
        rgb, ir = self.read(rgb_path), self.read(ir_path)
        if rgb.shape[:2] != ir.shape[:2]:
            raise ValueError(
                f'RGB and thermal images of a pair must be pixel-aligned '
                f'(the same size), but {rgb_path!r} is '
                f'{rgb.shape[0]}x{rgb.shape[1]} (HxW) and {ir_path!r} is '
                f'{ir.shape[0]}x{ir.shape[1]}.')
        img = np.concatenate([rgb, ir], axis=-1)
        if self.to_float32:
            img = img.astype(np.float32)
        results['img'] = img
        results['img_shape'] = results['ori_shape'] = img.shape[:2]
        results['modalities'] = MODALITIES
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}('
                f'to_float32={self.to_float32!r}, '
                f'imdecode_backend={self.imdecode_backend!r}, '
                f'backend_args={self.backend_args!r})')


@TRANSFORMS.register_module()
class PerModality(BaseTransform):
    """Apply transforms to the 3 channels of one modality of a fused image.

    The channels of ``modality`` (see :data:`MODALITIES`) are cut out of
    ``img``, passed through ``transforms`` as an ordinary 3-channel image,
    and written back; the other channels are left as they are. The inner
    transforms are built in the caller's default scope, so
    ``dict(type='PhotoMetricDistortion')`` is MMSegmentation's in an mmseg
    pipeline and MMDetection's in an mmdet one. They must keep the image's
    height, width and channels; a different dtype (MMDetection's
    photometric transforms return float32) converts the whole fused image.

    Required keys: ``img``. Modified keys: ``img``.

    Args:
        modality (str): 'rgb' or 'ir'.
        transforms (Sequence[dict | callable]): The inner transforms.
    """

    def __init__(self, modality: str,
                 transforms: Sequence[dict | object]) -> None:
        if modality not in MODALITIES:
            raise ValueError(f'modality must be one of {MODALITIES}, got '
                             f'{modality!r}')
        self.modality = modality
        self.transforms = Compose(transforms)
        start = MODALITIES.index(modality) * CHANNELS_PER_MODALITY
        self.channels = slice(start, start + CHANNELS_PER_MODALITY)

    def transform(self, results: dict) -> dict | None:
        """Transform the channels of :attr:`modality` only.

        Args:
            results (dict): Holds a fused ``(H, W, 6)`` ``img``.

        Returns:
            dict | None: ``results`` with ``img`` updated, or None when an
            inner transform drops the sample.
        """
        img = results['img']
        expected = CHANNELS_PER_MODALITY * len(MODALITIES)
        if img.ndim != 3 or img.shape[2] != expected:
            raise ValueError(
                f'PerModality needs a fused (H, W, {expected}) image (load '
                f'it with LoadRGBTImages), got shape {img.shape} for '
                f'{results.get("img_path")!r}.')
        inner = self.transforms(dict(
            results, img=np.ascontiguousarray(img[..., self.channels])))
        if inner is None:
            return None
        part = inner['img']
        if part.shape != img[..., self.channels].shape:
            raise ValueError(
                f'The transforms of PerModality({self.modality!r}) must '
                f'keep the shape {img[..., self.channels].shape} of the '
                f'slice, but returned {part.shape}; put geometric '
                'transforms outside PerModality.')
        results['img'] = np.concatenate(
            [img[..., :self.channels.start], part,
             img[..., self.channels.stop:]], axis=-1)
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(modality={self.modality!r}, '
                f'transforms={self.transforms!r})')
