"""Loading of pixel-aligned RGB-infrared image pairs."""

import cv2
import numpy as np
from mmcv.transforms import BaseTransform
from mmengine import fileio

from univ_mm.image_codecs.decoding import (
    EncodedImage,
    decode,
    image_size,
    is_jpeg,
)
from univ_mm.registry import TRANSFORMS

from .pixel_cache import PixelCache

DECODE_MODES = ('full', 'crop', 'device')


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

    ``decode`` chooses when the pixels are decoded:

    - ``'full'``: here, both images at full size.
    - ``'crop'``: later, by :class:`PairedRandomResizedCrop`, which decodes
      only as much as its box needs (JPEGs: the rows down to the box's
      last and the columns around it, at 1/2, 1/4 or 1/8 of their size
      while the box stays at least the output size). This transform reads
      the bytes and the image headers only.
    - ``'device'``: by the data preprocessor on the training device
      (``PairedDataPreprocessor(decode_on_device=True)``), JPEG files only;
      the crop box and flip are still drawn in the pipeline.

    Without ``'full'``, the results hold ``encoded`` (``dict`` of
    :class:`EncodedImage` under the keys ``img`` and ``ir_img``) instead of
    the images, ``img_shape`` and ``ori_shape`` come from the headers, and
    ``decode_on_device`` is set; IR must stay one channel.

    JPEG files are decoded by libjpeg-turbo in every mode (see
    :func:`~.decoding.decode`): corrupt or truncated data is an error
    naming the file, not grey rows. No mode applies an EXIF orientation.

    With ``pixel_cache`` (a folder on a local disk, ``decode='crop'``
    only, local image files), the images come from a :class:`PixelCache`
    instead, memory-mapped; an image not cached yet, or changed since (size
    or modification time), is decoded at full size and written to it (the
    first epoch), and the crop resamples its box from the arrays.

    ``fast_jpeg`` (``decode='crop'`` only) decodes JPEGs with
    libjpeg-turbo's fast inverse DCT and chroma upsampling (see
    :class:`EncodedImage`): faster, with a small fidelity cost.

    Args:
        ir_color_type (str): 'color' or 'grayscale'. Defaults to 'color'.
        decode (str): 'full', 'crop' or 'device'. Defaults to 'full'.
        pixel_cache (str, optional): Folder of the decoded-pixel cache.
            Defaults to None (no cache).
        fast_jpeg (bool): Fast, less exact JPEG decoding. Defaults to
            False.
        imdecode_backend (str): Decoding backend of :func:`mmcv.imfrombytes`
            for files that are not JPEGs, with ``decode='full'``. Defaults
            to 'cv2'.
        backend_args (dict, optional): File backend arguments of
            :func:`mmengine.fileio.get`. Defaults to None.
    """

    def __init__(self,
                 ir_color_type: str = 'color',
                 decode: str = 'full',
                 pixel_cache: str | None = None,
                 fast_jpeg: bool = False,
                 imdecode_backend: str = 'cv2',
                 backend_args: dict | None = None) -> None:
        if ir_color_type not in ('color', 'grayscale'):
            raise ValueError(f"ir_color_type must be 'color' or "
                             f"'grayscale', got {ir_color_type!r}")
        if decode not in DECODE_MODES:
            raise ValueError(f'decode must be one of {DECODE_MODES}, got '
                             f'{decode!r}')
        if decode != 'full' and ir_color_type != 'grayscale':
            raise ValueError(
                f"decode={decode!r} keeps IR one channel: set ir_color_type="
                f"'grayscale' (the data preprocessor broadcasts it).")
        for name, value in (('pixel_cache', pixel_cache),
                            ('fast_jpeg', fast_jpeg)):
            if value and decode != 'crop':
                raise ValueError(f"{name} needs decode='crop', got "
                                 f'decode={decode!r}.')
        self.ir_color_type = ir_color_type
        self.decode = decode
        self._cache_folder = pixel_cache
        self.pixel_cache = PixelCache(pixel_cache) if pixel_cache else None
        self.fast_jpeg = fast_jpeg
        self.imdecode_backend = imdecode_backend
        self.backend_args = backend_args.copy() if backend_args else None

    def _read(self, path: str, grayscale: bool) -> np.ndarray:
        """Read and decode one image at full size, BGR or grey, raising an
        error naming the file."""
        image = EncodedImage(self._get(path), path, grayscale)
        pixels = decode(image, backend=self.imdecode_backend).pixels
        if pixels.ndim == 3 and pixels.shape[2] == 4:  # a JPEG's BGRX
            return cv2.cvtColor(pixels, cv2.COLOR_BGRA2BGR)
        return pixels

    def _get(self, path: str) -> bytes:
        """The bytes of one file, raising an error naming it."""
        try:
            return fileio.get(path, backend_args=self.backend_args)
        except OSError as err:
            raise OSError(f'Cannot read image {path!r}: {err}') from err

    def _decoded(self, results: dict) -> tuple[dict, list[tuple]]:
        """Both images decoded, and their ``(H, W)``."""
        images = {'img': self._read(results['rgb_path'], False),
                  'ir_img': self._read(results['ir_path'], True)}
        return images, [im.shape[:2] for im in images.values()]

    def _encoded(self, results: dict) -> tuple[dict, list[tuple]]:
        """The bytes of both images, and their ``(H, W)`` from the
        headers."""
        encoded = {
            'img': EncodedImage(self._get(results['rgb_path']),
                                results['rgb_path'], False, self.fast_jpeg),
            'ir_img': EncodedImage(self._get(results['ir_path']),
                                   results['ir_path'], True, self.fast_jpeg)}
        for image in encoded.values():
            if self.decode == 'device' and not is_jpeg(image.data):
                raise ValueError(
                    f"LoadPairedImages(decode='device') decodes JPEG files "
                    f"only, but {image.path!r} is not one; use "
                    f"decode='crop' for this dataset.")
        return ({'encoded': encoded,
                 'decode_on_device': self.decode == 'device'},
                [image_size(im) for im in encoded.values()])

    def _cached(self, results: dict) -> tuple[dict, list[tuple]]:
        """Both images from the pixel cache (decoded and stored first when
        missing or stale), and their ``(H, W)``."""
        images = {key: self.pixel_cache.pixels(path, grayscale,
                                               self.fast_jpeg, self._get)
                  for key, path, grayscale in (
                      ('img', results['rgb_path'], False),
                      ('ir_img', results['ir_path'], True))}
        return images, [im.shape[:2] for im in images.values()]

    def transform(self, results: dict) -> dict:
        """Load both images of the pair (or their bytes and sizes).

        Args:
            results (dict): Holds ``rgb_path`` and ``ir_path``.

        Returns:
            dict: ``results`` with ``img`` and ``ir_img`` (or ``encoded``
            and ``decode_on_device``), ``img_shape`` and ``ori_shape``
            added.
        """
        if self.pixel_cache:
            loaded, (rgb_shape, ir_shape) = self._cached(results)
        elif self.decode == 'full':
            loaded, (rgb_shape, ir_shape) = self._decoded(results)
        else:
            loaded, (rgb_shape, ir_shape) = self._encoded(results)
        if rgb_shape != ir_shape:
            raise ValueError(
                f'RGB and IR images of a pair must be pixel-aligned, but '
                f'{results["rgb_path"]!r} is {rgb_shape[0]}x{rgb_shape[1]} '
                f'(HxW) and {results["ir_path"]!r} is '
                f'{ir_shape[0]}x{ir_shape[1]}.')
        if 'ir_img' in loaded and self.ir_color_type == 'color':
            loaded['ir_img'] = cv2.cvtColor(loaded['ir_img'],
                                            cv2.COLOR_GRAY2BGR)
        results.update(loaded)
        results['img_shape'] = results['ori_shape'] = tuple(rgb_shape)
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}('
                f'ir_color_type={self.ir_color_type!r}, '
                f'decode={self.decode!r}, '
                f'pixel_cache={self._cache_folder!r}, '
                f'fast_jpeg={self.fast_jpeg!r}, '
                f'imdecode_backend={self.imdecode_backend!r}, '
                f'backend_args={self.backend_args!r})')
