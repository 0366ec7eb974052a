"""Is an image file complete and decodable, and what size is it?

Torch-free: the datasets check their files with it when they are built
(:mod:`univ_mm.datasets.validation`), and the offline tools before they
write (:mod:`univ_mm.preparation`).
"""
import io
from collections.abc import Sequence

import cv2
import numpy as np
from PIL import Image

from .decoding import EncodedImage, decode, is_jpeg
from .turbojpeg_region import read_header, unsupported

#: How a complete file of each format ends (JPEG: EOI marker, PNG: IEND).
END_MARKERS = {'JPEG': b'\xff\xd9', 'PNG': b'IEND\xaeB`\x82'}
#: Bytes at the end of a file searched for the end marker (padding allowed).
TAIL_BYTES = 64
#: Bytes a ``'header'`` check reads from the start of a file: the markers
#: up to the scan, EXIF thumbnails and ICC profiles included (``'full'``
#: reads the whole file).
HEAD_BYTES = 1 << 18
CHECK_MODES = ('none', 'header', 'full')
#: How training decodes the files, which decides what the checks reject:
#: ``'cv2'`` (mmcv's loaders; the header is read by PIL) or
#: ``'turbojpeg'`` (:class:`~univ_mm.datasets.transforms.LoadPairedImages`:
#: libjpeg-turbo, which refuses CMYK, lossless and corrupt JPEGs).
DECODERS = ('cv2', 'turbojpeg')


def _read_header(data: bytes, decoder: str
                 ) -> tuple[tuple[int, int], str | None, str | None]:
    """Size ``(h, w)``, format, and why ``decoder`` cannot decode the file
    (None when it can, as far as the header tells)."""
    if decoder == 'turbojpeg' and is_jpeg(data):
        header = read_header(data)
        return header[:2], 'JPEG', unsupported(header)
    with Image.open(io.BytesIO(data)) as image:
        return (image.height, image.width), image.format, None


def _decode_problem(data: bytes, path: str, decoder: str) -> str | None:
    """Why ``decoder`` cannot decode the pixels, or None."""
    if decoder == 'cv2':
        pixels = cv2.imdecode(np.frombuffer(data, np.uint8),
                              cv2.IMREAD_UNCHANGED)
        return None if pixels is not None else 'cannot be decoded'
    try:
        decode(EncodedImage(data, path, grayscale=False))
    except OSError as err:
        return f'cannot be decoded ({err.__cause__})'
    return None


def _read_for_check(path: str, mode: str) -> tuple[bytes, bytes]:
    """The bytes a ``mode`` check reads (the head, or the whole file for
    ``'full'``) and the file's last :data:`TAIL_BYTES`."""
    with open(path, 'rb') as file:
        data = file.read(None if mode == 'full' else HEAD_BYTES)
        if mode != 'full':
            file.seek(max(0, file.seek(0, 2) - TAIL_BYTES))
            return data, file.read()
    return data, data[-TAIL_BYTES:]


def inspect_image(path: str, mode: str = 'header', decoder: str = 'cv2'
                  ) -> tuple[tuple[int, int] | None, str | None]:
    """Size ``(h, w)`` of an image file and what is wrong with it, if any.

    ``'header'`` reads the header and checks that JPEG/PNG files end with
    their end marker (a cut-off download or copy does not); ``'full'`` also
    decodes the pixels. With ``decoder='turbojpeg'`` (see :data:`DECODERS`)
    ``'header'`` also rejects the JPEGs that decoder cannot decode (CMYK,
    lossless...), and ``'full'`` decodes as it does, corrupt or truncated
    data included. No EXIF orientation is applied.

    Returns:
        tuple: ``((h, w), None)`` for a good file, ``(size or None,
        reason)`` for a bad one.
    """
    try:
        data, tail = _read_for_check(path, mode)
        size, image_format, problem = _read_header(data, decoder)
    except FileNotFoundError:
        return None, 'missing'
    except Exception as err:  # PIL raises many types for broken files
        return None, f'unreadable ({type(err).__name__}: {err})'
    marker = END_MARKERS.get(image_format or '')
    if marker and marker not in tail:
        return size, 'truncated (no end-of-image marker)'
    if problem is None and mode == 'full':
        problem = _decode_problem(data, path, decoder)
    return size, problem


def group_problem(paths: Sequence[str], mode: str,
                  expected_size: tuple[int, int] | None = None,
                  decoder: str = 'cv2') -> str | None:
    """What is wrong with one group of aligned files, or None.

    ``expected_size`` ``(h, w)``, when given, is the size an annotation
    states for the files (e.g. a COCO image record); ``decoder`` is one of
    :data:`DECODERS`.
    """
    sizes, reasons = [], []
    for path in paths:
        size, reason = inspect_image(path, mode, decoder)
        sizes.append(size)
        if reason:
            reasons.append(f'{path}: {reason}')
    if reasons:
        return '; '.join(reasons)
    if expected_size is not None:
        sizes.append(tuple(expected_size))
        paths = [*paths, 'the annotation']
    if len(set(sizes)) > 1:
        shapes = ', '.join(f'{p} is {h}x{w}' for p, (h, w) in
                           zip(paths, sizes, strict=True))
        return f'sizes differ (HxW): {shapes}'
    return None
