"""Loading of pixel-aligned RGB-infrared image pairs."""

import cv2
import mmcv
import numpy as np
from mmcv.transforms import BaseTransform
from mmengine import fileio

from univ_mm.registry import TRANSFORMS


@TRANSFORMS.register_module()
class LoadPairedImages(BaseTransform):
    """Load an RGB image and the infrared (IR) image of the same scene.

    Required keys: ``rgb_path``, ``ir_path``. Added keys: ``img`` (BGR
    uint8, ``(H, W, 3)``, as :class:`mmcv.transforms.LoadImageFromFile`
    gives), ``ir_img``, ``img_shape`` and ``ori_shape``.

    The IR image is decoded as one luminance channel whatever it holds on
    disk (1-channel, 3-channel grey or RGBA PNG, JPEG...). With
    ``ir_color_type='color'`` that channel is copied into 3 identical
    channels, ``(H, W, 3)``, as the UNIV release feeds IR to the network;
    with ``'grayscale'`` it stays ``(H, W)``.

    Args:
        ir_color_type (str): 'color' or 'grayscale'. Defaults to 'color'.
        imdecode_backend (str): Decoding backend of :func:`mmcv.imfrombytes`.
            Defaults to 'cv2'.
        backend_args (dict, optional): File backend arguments of
            :func:`mmengine.fileio.get`. Defaults to None.
    """

    def __init__(self,
                 ir_color_type: str = 'color',
                 imdecode_backend: str = 'cv2',
                 backend_args: dict | None = None) -> None:
        if ir_color_type not in ('color', 'grayscale'):
            raise ValueError(f"ir_color_type must be 'color' or "
                             f"'grayscale', got {ir_color_type!r}")
        self.ir_color_type = ir_color_type
        self.imdecode_backend = imdecode_backend
        self.backend_args = backend_args.copy() if backend_args else None

    def _read(self, path: str, flag: str) -> np.ndarray:
        """Read and decode one image, raising an error naming the file."""
        img_bytes = fileio.get(path, backend_args=self.backend_args)
        try:
            img = mmcv.imfrombytes(
                img_bytes, flag=flag, backend=self.imdecode_backend)
        except Exception as err:
            raise OSError(f'Cannot decode image {path!r}: {err}') from err
        if img is None or img.size == 0:
            raise OSError(f'Cannot decode image {path!r}: not a readable '
                          f'image file ({len(img_bytes)} bytes).')
        return img

    def transform(self, results: dict) -> dict:
        """Load both images of the pair.

        Args:
            results (dict): Holds ``rgb_path`` and ``ir_path``.

        Returns:
            dict: ``results`` with ``img``, ``ir_img``, ``img_shape`` and
            ``ori_shape`` added.
        """
        rgb_path, ir_path = results['rgb_path'], results['ir_path']
        img = self._read(rgb_path, 'color')
        ir_img = self._read(ir_path, 'grayscale')
        if img.shape[:2] != ir_img.shape[:2]:
            raise ValueError(
                f'RGB and IR images of a pair must be pixel-aligned, but '
                f'{rgb_path!r} is {img.shape[0]}x{img.shape[1]} (HxW) and '
                f'{ir_path!r} is {ir_img.shape[0]}x{ir_img.shape[1]}.')
        if self.ir_color_type == 'color':
            ir_img = cv2.cvtColor(ir_img, cv2.COLOR_GRAY2BGR)
        results['img'] = img
        results['ir_img'] = ir_img
        results['img_shape'] = img.shape[:2]
        results['ori_shape'] = img.shape[:2]
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}('
                f'ir_color_type={self.ir_color_type!r}, '
                f'imdecode_backend={self.imdecode_backend!r}, '
                f'backend_args={self.backend_args!r})')
