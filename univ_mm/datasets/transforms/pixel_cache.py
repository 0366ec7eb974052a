"""An opt-in cache of decoded pixels on local disk, read memory-mapped.

Pre-training reads the same pairs hundreds of times. With the cache, the
first epoch decodes every image once at full size and writes it as a uint8
``.npy`` file; later epochs memory-map the file and resample the crop box
from it, which reads only the rows the box covers (a memory copy once the
page cache holds them).
"""
import hashlib
import os
import os.path as osp
import shutil

import numpy as np
from mmengine.logging import print_log

from .decoding import EncodedImage, decode

#: Kept free on the cache's disk for everything else.
RESERVE_BYTES = 2**30


class PixelCache:
    """Decoded images as ``.npy`` files in one folder of a local disk.

    A file is named by a hash of the image's path and written to a
    temporary name first, then renamed, so the dataloader workers and the
    ranks of a node can share the folder and a killed job leaves no torn
    file. Colour JPEGs are stored as BGRX (4 bytes per pixel, the layout
    the crop resamples fastest), greyscale as one byte per pixel: 5 bytes
    per pixel of a pair, 1.6 MB for a 640x512 pair, about 162 GB for
    MVIP's 98,992 pairs.

    Args:
        folder (str): Where the files go; created if missing.
    """

    def __init__(self, folder: str) -> None:
        self.folder = folder
        self._announced = False

    def path(self, image_path: str) -> str:
        """The cache file of an image."""
        key = hashlib.sha1(image_path.encode()).hexdigest()
        return osp.join(self.folder, f'{key}.npy')

    def load(self, image_path: str) -> np.ndarray | None:
        """The cached pixels, memory-mapped, or None when not cached."""
        try:
            return np.load(self.path(image_path), mmap_mode='r')
        except FileNotFoundError:
            return None

    def decode_and_store(self, image: EncodedImage) -> np.ndarray:
        """Decode an image at full size and write it to the cache.

        Raises:
            OSError: When the disk would keep less than 1 GiB free.
        """
        pixels = decode(image).pixels
        os.makedirs(self.folder, exist_ok=True)
        free = shutil.disk_usage(self.folder).free
        self._announce(pixels.nbytes, free)
        if free < pixels.nbytes + RESERVE_BYTES:
            raise OSError(
                f'Pixel cache {self.folder!r}: the disk has '
                f'{free / 2**30:.1f} GiB free; the cache needs about 5 bytes '
                f'per pixel of every pair (162 GB for MVIP at 640x512) and '
                f'keeps 1 GiB free. Point pixel_cache to a larger local '
                f'disk or set it to None.')
        target = self.path(image.path)
        temporary = f'{target}.{os.getpid()}.tmp.npy'
        np.save(temporary, pixels)
        os.replace(temporary, target)
        return pixels

    def _announce(self, nbytes: int, free: int) -> None:
        """Log the cache's size once per process."""
        if self._announced:
            return
        self._announced = True
        print_log(
            f'Pixel cache {self.folder!r}: {nbytes / 2**20:.2f} MiB for this '
            f'image; a pair needs 5 bytes per pixel (1.6 MB at 640x512, '
            f'162 GB for MVIP); {free / 2**30:.1f} GiB free.',
            logger='current')
