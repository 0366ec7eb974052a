"""Header-first decoding: read an image's size, then decode only as much
as a crop box needs and resample the box.

JPEG files are decoded by libjpeg-turbo (:mod:`.turbojpeg_region`): only
the rows and iMCU columns around the box, scaled by 1/2, 1/4 or 1/8 inside
the inverse DCT when the box stays large enough, refusing corrupt or
truncated data; other formats are decoded whole at full size by
:func:`mmcv.imfrombytes`. No path applies an EXIF orientation: the pixels
are as stored, the size is the header's. The resampling maps output
pixel centres onto the box in the (possibly reduced) decoded image, so
every decode scale, and the device path of
:class:`~univ_mm.models.data_preprocessors.PairedDataPreprocessor`, samples
the same points of the scene.
"""
import io
import math
from collections.abc import Sequence
from typing import NamedTuple

import cv2
import mmcv
import numpy as np
from mmcv.image.geometric import cv2_interp_codes
from PIL import Image

from .turbojpeg_region import decode_window, read_header

#: Scale denominators that libjpeg-turbo's SIMD inverse DCT serves fast; the
#: M/8 scales in between decode slower than full size (measured).
JPEG_REDUCTIONS = (8, 4, 2, 1)
JPEG_MAGIC = b'\xff\xd8\xff'
#: Decoded pixels kept around a crop box on every side: the 4-pixel reach
#: of the widest kernel (lanczos) and one more, because libjpeg-turbo's
#: smooth chroma upsampling computes a region's edge columns differently
#: from a whole-image decode; the resampling never reads them.
WINDOW_MARGIN = 5


class EncodedImage(NamedTuple):
    """The undecoded bytes of one image, and how to decode them.

    Attributes:
        data (bytes): The file's bytes.
        path (str): Where they came from, for error messages.
        grayscale (bool): Decode the luminance only, ``(H, W)``; otherwise
            BGR, ``(H, W, 3)``.
        fast (bool): Decode JPEGs with libjpeg-turbo's fast integer inverse
            DCT and plain (not smoothed) chroma upsampling (TurboJPEG's
            ``TJPARAM_FASTDCT`` and ``TJPARAM_FASTUPSAMPLE``): faster,
            slightly less exact.
            Defaults to False.
    """
    data: bytes
    path: str
    grayscale: bool
    fast: bool = False


def is_jpeg(data: bytes) -> bool:
    """Whether ``data`` starts like a JPEG file."""
    return data[:3] == JPEG_MAGIC


def image_size(image: EncodedImage) -> tuple[int, int]:
    """``(height, width)`` read from the header alone.

    Raises:
        OSError: Naming the file, when its header cannot be read.
    """
    try:
        if is_jpeg(image.data):
            return read_header(image.data)[:2]
        with Image.open(io.BytesIO(image.data)) as pil_image:
            return pil_image.height, pil_image.width
    except Exception as err:
        raise OSError(f'Cannot read the image header of {image.path!r}: '
                      f'{err}') from err


def reduction_for(box: Sequence[int], out_size: Sequence[int]) -> int:
    """The largest JPEG reduction that keeps the box at least the output.

    Args:
        box (Sequence[int]): ``(x1, y1, x2, y2)`` in full-size pixels.
        out_size (Sequence[int]): Output ``(w, h)``.

    Returns:
        int: A denominator of :data:`JPEG_REDUCTIONS`: the box is still at
        least ``out_size`` pixels in the image decoded at 1/denominator.
    """
    width, height = box[2] - box[0], box[3] - box[1]
    return next(d for d in JPEG_REDUCTIONS
                if width >= d * out_size[0] and height >= d * out_size[1]
                or d == 1)


class Decoded(NamedTuple):
    """Decoded pixels of an image, or of a window of it.

    Attributes:
        pixels (np.ndarray): uint8, ``(h, w)`` (grayscale), ``(h, w, 3)``
            (BGR, not a JPEG) or ``(h, w, 4)`` (BGRX: JPEGs are decoded with
            a padding channel, because :func:`cv2.warpAffine` resamples 4
            channels several times faster than 3; see
            :func:`resample_box`).
        reduction (int): The image was decoded at 1/``reduction`` of its
            size. Defaults to 1.
        origin (tuple[int, int]): ``(x, y)`` of ``pixels[0, 0]`` in the
            image decoded at that size. Defaults to (0, 0).
    """
    pixels: np.ndarray
    reduction: int = 1
    origin: tuple[int, int] = (0, 0)


def _decode_other(image: EncodedImage, backend: str | None) -> np.ndarray:
    """Decode a file that is not a JPEG, ignoring its EXIF orientation."""
    flag = 'grayscale' if image.grayscale else 'color'
    pixels = mmcv.imfrombytes(image.data, flag=f'{flag}_ignore_orientation',
                              backend=backend)
    if pixels is None or pixels.size == 0:
        raise ValueError(f'not a readable image file ({len(image.data)} '
                         f'bytes)')
    return pixels


def decode(image: EncodedImage, reduction: int = 1,
           box: Sequence[int] | None = None,
           backend: str | None = None) -> Decoded:
    """Decode an image, JPEGs at 1/``reduction`` of their size and only
    around ``box``.

    Args:
        image (EncodedImage): What to decode.
        reduction (int): A denominator of :data:`JPEG_REDUCTIONS`; ignored
            (1) for a file that is not a JPEG. Defaults to 1.
        box (Sequence[int], optional): ``(x1, y1, x2, y2)`` in full-size
            pixels: a JPEG is decoded in the rows and iMCU columns that
            cover it plus :data:`WINDOW_MARGIN` pixels. None decodes the
            whole image. Defaults to None.
        backend (str, optional): Backend of :func:`mmcv.imfrombytes` for a
            file that is not a JPEG; None is mmcv's default. Defaults to
            None.

    Returns:
        Decoded: The pixels, their reduction and origin.

    Raises:
        OSError: Naming the file, when it cannot be decoded (for a JPEG:
            also when libjpeg-turbo warns of corrupt or truncated data, or
            :func:`~.turbojpeg_region.unsupported` names a reason).
    """
    try:
        if not is_jpeg(image.data):
            return Decoded(_decode_other(image, backend))
        window = None if box is None else (
            *(math.floor(v / reduction) - WINDOW_MARGIN for v in box[:2]),
            *(math.ceil(v / reduction) + WINDOW_MARGIN for v in box[2:]))
        pixels, origin = decode_window(image.data, image.grayscale,
                                       image.fast, reduction, window)
    except Exception as err:
        raise OSError(f'Cannot decode image {image.path!r}: {err}') from err
    return Decoded(pixels, reduction, origin)


def resample_box(image: np.ndarray, box: Sequence[int],
                 out_size: Sequence[int], reduction: int = 1,
                 interpolation: str = 'bilinear',
                 origin: Sequence[int] = (0, 0)) -> np.ndarray:
    """Resample a box of the full-size image to ``out_size``.

    Output pixel ``i`` of a row samples full-size column
    ``x1 + (i + 0.5) * (x2 - x1) / w - 0.5`` (pixel centres aligned, as
    :func:`cv2.resize` and ``torchvision.ops.roi_align(aligned=True)``
    do), found in an image decoded at 1/``reduction``; samples near the
    box's edge may read pixels just outside it, the image's edge is
    replicated. A bilinear box at full size and at least ``out_size``
    is resampled by :func:`cv2.resize` (its samples all lie inside the
    box), any other by :func:`cv2.warpAffine`; the two round differently
    by at most 1.

    Args:
        image (np.ndarray): The decoded image, or a window of it,
            ``(h, w)`` or ``(h, w, c)``; a 4-channel image is BGRX from
            :func:`decode`: its padding channel is dropped.
        box (Sequence[int]): ``(x1, y1, x2, y2)`` in full-size pixels.
        out_size (Sequence[int]): Output ``(w, h)``.
        reduction (int): The image is 1/``reduction`` of full size.
            Defaults to 1.
        interpolation (str): An interpolation of :func:`mmcv.imresize`.
            Defaults to 'bilinear'.
        origin (Sequence[int]): ``(x, y)`` of ``image[0, 0]`` in the image
            decoded at 1/``reduction`` (a window from :func:`decode`); a
            window's edges that are not the image's must lie beyond what
            the samples read. Defaults to (0, 0).

    Returns:
        np.ndarray: ``(h, w)``, ``(h, w, c)`` or ``(h, w, 3)`` for BGRX, the
        dtype of ``image``.
    """
    x1, y1, x2, y2 = box
    left, top = origin
    if (interpolation == 'bilinear' and reduction == 1
            and x2 - x1 >= out_size[0] and y2 - y1 >= out_size[1]):
        # the same sample points, all inside the box: cv2.resize does
        # them 1.2x (BGRX) to 2.8x (grey) faster than cv2.warpAffine
        out = cv2.resize(image[y1 - top:y2 - top, x1 - left:x2 - left],
                         tuple(out_size), interpolation=cv2.INTER_LINEAR)
    else:
        step_x, step_y = (x2 - x1) / out_size[0], (y2 - y1) / out_size[1]
        # full-size x maps to (x + 0.5) / reduction - 0.5 when decoded
        matrix = np.array([[step_x, 0, x1 + 0.5 * step_x],
                           [0, step_y, y1 + 0.5 * step_y]]) / reduction
        matrix[:, 2] -= 0.5
        matrix[:, 2] -= (left, top)  # exact: whole numbers below the value
        out = cv2.warpAffine(
            image, matrix, tuple(out_size),
            flags=cv2_interp_codes[interpolation] | cv2.WARP_INVERSE_MAP,
            borderMode=cv2.BORDER_REPLICATE)
    return out[..., :3] if out.ndim == 3 and out.shape[2] == 4 else out


def decode_box(image: EncodedImage, box: Sequence[int],
               out_size: Sequence[int], interpolation: str = 'bilinear',
               reduction: int | None = None) -> np.ndarray:
    """Decode as much of an image as ``box`` needs and resample the box.

    Args:
        image (EncodedImage): What to decode.
        box (Sequence[int]): ``(x1, y1, x2, y2)`` in full-size pixels.
        out_size (Sequence[int]): Output ``(w, h)``.
        interpolation (str): See :func:`resample_box`. Defaults to
            'bilinear'.
        reduction (int, optional): JPEG reduction; None picks
            :func:`reduction_for` the box. Defaults to None.

    Returns:
        np.ndarray: ``(h, w)`` or ``(h, w, 3)`` uint8.
    """
    if reduction is None:
        reduction = reduction_for(box, out_size)
    pixels, reduction, origin = decode(image, reduction, box)
    return resample_box(pixels, box, out_size, reduction, interpolation,
                        origin)
