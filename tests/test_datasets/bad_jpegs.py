"""JPEG files the training decoder refuses or misreads, made in memory.

Each starts from what :func:`cv2.imencode` writes (CMYK: what Pillow
writes) and edits its bytes.
"""
import io

import cv2
import numpy as np
from PIL import Image

#: An EXIF APP1 segment holding one tag, Orientation (0x0112) = 6 (rotate
#: 90 degrees clockwise to display), in a big-endian TIFF structure.
EXIF_ORIENTATION_6 = (
    b'\xff\xe1\x00\x22Exif\x00\x00'  # APP1, length 34, EXIF header
    b'MM\x00\x2a\x00\x00\x00\x08'  # TIFF header, first IFD at 8
    b'\x00\x01'  # one entry
    b'\x01\x12\x00\x03\x00\x00\x00\x01\x00\x06\x00\x00'  # SHORT 6
    b'\x00\x00\x00\x00')  # no next IFD


def jpeg(image: np.ndarray) -> bytes:
    """``image`` (BGR or grey) as a baseline JPEG."""
    ok, data = cv2.imencode('.jpg', image)
    assert ok
    return data.tobytes()


def scan_start(data: bytes) -> int:
    """Where the entropy-coded data of the first scan starts."""
    sos = data.index(b'\xff\xda')
    return sos + 2 + int.from_bytes(data[sos + 2:sos + 4], 'big')


def cmyk(image: np.ndarray) -> bytes:
    """A BGR ``image`` as a CMYK JPEG."""
    buffer = io.BytesIO()
    rgb = Image.fromarray(cv2.cvtColor(image, cv2.COLOR_BGR2RGB))
    rgb.convert('CMYK').save(buffer, 'JPEG')
    return buffer.getvalue()


def lossless(image: np.ndarray) -> bytes:
    """A JPEG whose frame says lossless (SOF3 instead of SOF0)."""
    return jpeg(image).replace(b'\xff\xc0', b'\xff\xc3', 1)


def corrupt(image: np.ndarray) -> bytes:
    """A JPEG with 20 bytes of its entropy-coded data flipped."""
    data = bytearray(jpeg(image))
    start = scan_start(data) + 20
    data[start:start + 20] = bytes(b ^ 0x5a for b in data[start:start + 20])
    return bytes(data)


def truncated_with_eoi(image: np.ndarray) -> bytes:
    """A JPEG cut in the middle of its scan, then ended by an EOI marker."""
    data = jpeg(image)
    start = scan_start(data)
    return data[:(start + len(data)) // 2] + b'\xff\xd9'


def with_orientation_6(data: bytes) -> bytes:
    """A JPEG with :data:`EXIF_ORIENTATION_6` right after its SOI marker."""
    return data[:2] + EXIF_ORIENTATION_6 + data[2:]


#: The JPEGs the training decoder refuses, by name.
BAD_JPEGS = {'cmyk': cmyk, 'lossless': lossless, 'corrupt': corrupt,
             'truncated_with_eoi': truncated_with_eoi}
