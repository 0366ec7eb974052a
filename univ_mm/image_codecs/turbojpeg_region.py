"""Decoding a window of a JPEG file with libjpeg-turbo's TurboJPEG 3 API.

OpenCV, Pillow, simplejpeg and torchvision decode every row of a JPEG.
TurboJPEG 3 decodes a cropping region (``tj3SetCroppingRegion``): it stops
after the region's last row, and runs the inverse DCT, chroma upsampling
and colour conversion only for the region's rows (and the iMCU columns
that cover it); the entropy decoding still reads every row above it.

The library is the ``libturbojpeg`` that the ``turbojpeg`` wheel
(``requirements/runtime.txt``) ships, called through :mod:`ctypes` (that
wheel's own Python API has no cropping or scaling). TurboJPEG reports
errors as return codes, so nothing unwinds through C.
"""
import ctypes
import functools
import importlib.metadata
import math
import threading
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

#: ``TJINIT_DECOMPRESS`` of ``tj3Init``.
_INIT_DECOMPRESS = 1
#: ``TJPARAM_*`` values of ``tj3Get``/``tj3Set`` (turbojpeg.h, 3.0).
_SUBSAMP, _JPEG_WIDTH, _JPEG_HEIGHT, _PRECISION, _COLORSPACE = 4, 5, 6, 7, 8
_FAST_UPSAMPLE, _FAST_DCT, _LOSSLESS = 9, 10, 15
#: ``TJCS_*`` names by value; :func:`decode_window` decodes the first three.
COLORSPACES = ('RGB', 'YCbCr', 'greyscale', 'CMYK', 'YCCK')
DECODABLE_COLORSPACES = 3
#: ``TJPF_BGRX`` and ``TJPF_GRAY``.
_PIXEL_BGRX, _PIXEL_GRAY = 3, 6
#: iMCU width per ``TJSAMP_*`` (444, 422, 420, GRAY, 440, 411, 441); a
#: cropping region must start on a multiple of it (scaled).
MCU_WIDTHS = (8, 16, 16, 8, 8, 32, 8)


class _Region(ctypes.Structure):
    _fields_ = [('x', ctypes.c_int), ('y', ctypes.c_int),
                ('w', ctypes.c_int), ('h', ctypes.c_int)]


class _ScalingFactor(ctypes.Structure):
    _fields_ = [('num', ctypes.c_int), ('denom', ctypes.c_int)]


class JpegHeader(NamedTuple):
    """What a JPEG header says: ``height``, ``width``, ``subsampling`` (a
    ``TJSAMP_*`` value, -1 when TurboJPEG cannot name it), ``precision``
    (bits per sample), ``colorspace`` (a ``TJCS_*`` value) and ``lossless``
    (1 for a lossless, SOF3, JPEG)."""
    height: int
    width: int
    subsampling: int
    precision: int
    colorspace: int
    lossless: int


@functools.cache
def _library() -> ctypes.CDLL:
    """``libturbojpeg`` from the ``turbojpeg`` wheel, with the signatures
    of the functions used here."""
    try:
        files = importlib.metadata.files('turbojpeg') or []
    except importlib.metadata.PackageNotFoundError:
        files = []
    paths = [f.locate() for f in files if f.name.startswith('libturbojpeg')]
    if not paths:
        raise ImportError(
            'libturbojpeg was not found: install the turbojpeg wheel '
            '(pip install -r requirements/runtime.txt).')
    lib = ctypes.CDLL(str(paths[0]))
    handle, data, size = ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t
    signatures = {
        'tj3Init': ([ctypes.c_int], handle),
        'tj3Destroy': ([handle], None),
        'tj3DecompressHeader': ([handle, data, size], ctypes.c_int),
        'tj3Get': ([handle, ctypes.c_int], ctypes.c_int),
        'tj3Set': ([handle, ctypes.c_int, ctypes.c_int], ctypes.c_int),
        'tj3SetScalingFactor': ([handle, _ScalingFactor], ctypes.c_int),
        'tj3SetCroppingRegion': ([handle, _Region], ctypes.c_int),
        'tj3Decompress8': ([handle, data, size, ctypes.c_void_p,
                            ctypes.c_int, ctypes.c_int], ctypes.c_int),
        'tj3GetErrorStr': ([handle], ctypes.c_char_p),
    }
    for name, (argtypes, restype) in signatures.items():
        function = getattr(lib, name)
        function.argtypes, function.restype = argtypes, restype
    return lib


class _Decompressor:
    """One TurboJPEG decompression instance (not thread-safe: one per
    thread, see :func:`_decompressor`)."""

    def __init__(self) -> None:
        self.lib = _library()
        self.handle = self._new_handle()

    def _new_handle(self) -> int:
        handle = self.lib.tj3Init(_INIT_DECOMPRESS)
        if not handle:
            raise MemoryError('tj3Init could not create a decompressor.')
        return handle

    def __del__(self) -> None:
        self.lib.tj3Destroy(self.handle)

    def check(self, status: int) -> None:
        """Raise TurboJPEG's message when a call failed (warnings, e.g.
        truncated data, included), after replacing the handle: a failed
        call can leave it mid-header, misreading the next file."""
        if status != 0:
            message = self.lib.tj3GetErrorStr(self.handle).decode(
                errors='replace')
            self.lib.tj3Destroy(self.handle)
            self.handle = self._new_handle()
            raise ValueError(message)

    def read_header(self, data: bytes) -> JpegHeader:
        """Parse the header of ``data`` (needed before decoding it)."""
        self.check(self.lib.tj3DecompressHeader(self.handle, data, len(data)))
        return JpegHeader(*(self.lib.tj3Get(self.handle, param)
                            for param in (_JPEG_HEIGHT, _JPEG_WIDTH,
                                          _SUBSAMP, _PRECISION, _COLORSPACE,
                                          _LOSSLESS)))


_threads = threading.local()


def _decompressor() -> _Decompressor:
    """This thread's decompressor."""
    if not hasattr(_threads, 'decompressor'):
        _threads.decompressor = _Decompressor()
    return _threads.decompressor


def read_header(data: bytes) -> JpegHeader:
    """The header of a JPEG file.

    Raises:
        ValueError: With TurboJPEG's message, when it cannot be read.
    """
    return _decompressor().read_header(data)


def unsupported(header: JpegHeader) -> str | None:
    """Why :func:`decode_window` cannot decode a JPEG, or None when it can.

    It decodes 8-bit sequential and progressive JPEGs in greyscale, YCbCr
    or RGB; not lossless JPEGs (SOF3: TurboJPEG neither crops nor scales
    them), other precisions, or CMYK and YCCK.
    """
    if header.lossless:
        what = 'lossless (SOF3)'
    elif header.precision != 8:
        what = f'{header.precision}-bit'
    elif not 0 <= header.colorspace < DECODABLE_COLORSPACES:
        what = (COLORSPACES[header.colorspace]
                if 0 <= header.colorspace < len(COLORSPACES) else
                f'unknown colour space ({header.colorspace})')
    else:
        return None
    return (f'a {what} JPEG, which the training decoder cannot decode '
            f'(8-bit greyscale, YCbCr or RGB JPEGs only); re-save it as an '
            f'ordinary JPEG, e.g. with cv2.imwrite')


def decode_window(data: bytes, grayscale: bool, fast: bool,
                  reduction: int = 1,
                  window: Sequence[int] | None = None
                  ) -> tuple[np.ndarray, tuple[int, int]]:
    """Decode a window of a JPEG at 1/``reduction`` of its size.

    Args:
        data (bytes): The JPEG file.
        grayscale (bool): Decode the luminance only, ``(h, w)``; otherwise
            BGRX, ``(h, w, 4)``.
        fast (bool): libjpeg-turbo's fast integer inverse DCT and plain
            chroma upsampling.
        reduction (int): 1, 2, 4 or 8. Defaults to 1.
        window (Sequence[int], optional): ``(x1, y1, x2, y2)`` in pixels of
            the reduced image, clipped to it; the decoded region starts at
            or left of ``x1`` (on an iMCU boundary) and spans at least the
            window. None decodes the whole image. Defaults to None.

    Returns:
        tuple[np.ndarray, tuple[int, int]]: The uint8 pixels and the
        ``(x, y)`` of their first pixel in the reduced image.

    Raises:
        ValueError: With TurboJPEG's message, when decoding fails or warns
            (corrupt or truncated data), or :func:`unsupported`'s.
    """
    decompressor = _decompressor()
    lib, handle = decompressor.lib, decompressor.handle
    header = decompressor.read_header(data)
    reason = unsupported(header)
    if reason:
        raise ValueError(reason)
    for param in (_FAST_DCT, _FAST_UPSAMPLE):
        decompressor.check(lib.tj3Set(handle, param, int(fast)))
    decompressor.check(
        lib.tj3SetScalingFactor(handle, _ScalingFactor(1, reduction)))
    height, width = (math.ceil(s / reduction)
                     for s in (header.height, header.width))
    x1, y1, x2, y2 = (0, 0, width, height) if window is None else window
    x2, y2 = min(x2, width), min(y2, height)
    if 0 <= header.subsampling < len(MCU_WIDTHS):
        step = math.ceil(MCU_WIDTHS[header.subsampling] / reduction)
        x1, y1 = max(0, x1) // step * step, max(0, y1)
        region = _Region(x1, y1, x2 - x1, y2 - y1)
    else:  # no known iMCU: TurboJPEG decodes whole images only
        x1, y1, x2, y2, region = 0, 0, width, height, _Region()
    decompressor.check(lib.tj3SetCroppingRegion(handle, region))
    channels = 1 if grayscale else 4
    shape = (y2 - y1, x2 - x1) if grayscale else (y2 - y1, x2 - x1, 4)
    pixels = np.empty(shape, np.uint8)
    decompressor.check(lib.tj3Decompress8(
        handle, data, len(data), pixels.ctypes.data, (x2 - x1) * channels,
        _PIXEL_GRAY if grayscale else _PIXEL_BGRX))
    return pixels, (x1, y1)
