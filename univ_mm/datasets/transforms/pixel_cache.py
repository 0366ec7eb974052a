"""An opt-in cache of decoded pixels on local disk, read memory-mapped.

Pre-training reads the same pairs hundreds of times. With the cache, the
first epoch decodes every image once at full size and writes it as a uint8
``.npy`` file; later epochs memory-map the file and resample the crop box
from it, which reads only the rows the box covers (a memory copy once the
page cache holds them).
"""
import contextlib
import hashlib
import logging
import os
import os.path as osp
import shutil
from collections.abc import Callable

import numpy as np
from mmengine.logging import print_log

from univ_mm.image_codecs.decoding import EncodedImage, decode

#: Kept free on the cache's disk for everything else.
RESERVE_BYTES = 2**30


class PixelCache:
    """Decoded images as ``.npy`` files in one folder of a local disk.

    An entry is ``<folder>/<hash of path and decode options>/<size>-<mtime
    in ns>.npy``: the image's file size and modification time name the
    version of the image it holds, so an image that is overwritten is
    decoded again (its stale entry is removed, and logged once per
    process), and different decode options (greyscale, ``fast``) never share
    an entry. Entries are written to a temporary name first, then renamed,
    so the dataloader workers and the ranks of a node can share the folder
    and a killed job leaves no torn file; an entry that is torn anyway
    (cut off, overwritten) is logged and decoded again. Colour JPEGs are
    stored as BGRX (4 bytes per pixel, the layout the crop resamples
    fastest), greyscale as one byte per pixel: 5 bytes per pixel of a
    pair, 1.6 MB for a 640x512 pair, about 162 GB for MVIP's 98,992 pairs.

    Args:
        folder (str): Where the files go; created if missing.

    Raises:
        NotADirectoryError: When ``folder`` (or a folder above it) is a
            file.
    """

    def __init__(self, folder: str) -> None:
        try:
            os.makedirs(folder, exist_ok=True)
        except (FileExistsError, NotADirectoryError) as err:
            raise NotADirectoryError(
                f'Pixel cache {folder!r} cannot be a folder: {err}. Delete '
                f'that file or point pixel_cache to another folder.'
            ) from err
        self.folder = folder
        self._logged: set[str] = set()

    def entry(self, image_path: str, grayscale: bool, fast: bool) -> str:
        """The cache file of an image as it is now, decoded with these
        options.

        Raises:
            OSError: Naming the image, when it cannot be found on a local
                disk.
        """
        try:
            stat = os.stat(image_path)
        except OSError as err:
            raise OSError(f'Pixel cache: cannot read image {image_path!r} '
                          f'({err}); the cache needs local image files.'
                          ) from err
        key = hashlib.sha1(repr((image_path, grayscale, fast)).encode())
        return osp.join(self.folder, key.hexdigest(),
                        f'{stat.st_size}-{stat.st_mtime_ns}.npy')

    def pixels(self, image_path: str, grayscale: bool, fast: bool,
               read: Callable[[str], bytes]) -> np.ndarray:
        """An image's pixels at full size (see :func:`.decoding.decode`):
        memory-mapped from its entry, or decoded from ``read(image_path)``
        and stored when the cache holds no entry for the image as it is
        now.

        Raises:
            OSError: When the disk would keep less than 1 GiB free.
        """
        entry = self.entry(image_path, grayscale, fast)
        try:
            return np.load(entry, mmap_mode='r')
        except FileNotFoundError:
            self._drop_stale(entry, image_path)
        except (ValueError, EOFError) as err:
            print_log(f'Pixel cache: {entry!r} (of {image_path!r}) is '
                      f'damaged ({err}); decoding the image again.',
                      logger='current', level=logging.WARNING)
        image = EncodedImage(read(image_path), image_path, grayscale, fast)
        return self._store(entry, decode(image).pixels)

    def _drop_stale(self, entry: str, image_path: str) -> None:
        """Remove the entries of older versions of the image."""
        folder, name = osp.split(entry)
        try:
            stale = [n for n in os.listdir(folder) if n != name]
        except FileNotFoundError:
            return
        for stale_name in stale:
            with contextlib.suppress(FileNotFoundError):
                os.remove(osp.join(folder, stale_name))
        if stale:
            self._log_once(
                'stale', f'Pixel cache {self.folder!r}: {image_path!r} '
                f'changed since it was cached (size or modification time); '
                f'decoding it, and any other changed image, again.',
                logging.WARNING)

    def _store(self, entry: str, pixels: np.ndarray) -> np.ndarray:
        """Write an entry, through a temporary file next to its folder."""
        free = shutil.disk_usage(self.folder).free
        self._log_once(
            'size', f'Pixel cache {self.folder!r}: {pixels.nbytes / 2**20:.2f}'
            f' MiB for this image; a pair needs 5 bytes per pixel (1.6 MB at '
            f'640x512, 162 GB for MVIP); {free / 2**30:.1f} GiB free.')
        if free < pixels.nbytes + RESERVE_BYTES:
            raise OSError(
                f'Pixel cache {self.folder!r}: the disk has '
                f'{free / 2**30:.1f} GiB free; the cache needs about 5 bytes '
                f'per pixel of every pair (162 GB for MVIP at 640x512) and '
                f'keeps 1 GiB free. Point pixel_cache to a larger local '
                f'disk or set it to None.')
        folder = osp.dirname(entry)
        os.makedirs(folder, exist_ok=True)
        temporary = f'{folder}.{os.getpid()}.tmp.npy'
        np.save(temporary, pixels)
        os.replace(temporary, entry)
        return pixels

    def _log_once(self, kind: str, message: str,
                  level: int = logging.INFO) -> None:
        """Log the first message of a kind in this process."""
        if kind not in self._logged:
            self._logged.add(kind)
            print_log(message, logger='current', level=level)
