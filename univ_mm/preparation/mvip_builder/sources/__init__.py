"""Readers of the public RGB-IR downloads that MVIP is made of."""
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

from .common import ReadOptions, SourcePair, SourceScan
from .flir import read_flir
from .folders import DRONEVEHICLE, LLVIP, M3FD, MSRS, FolderSource
from .video import read_kaist, read_lasher


class MVIPSource(NamedTuple):
    """One source of MVIP.

    Args:
        folder (str): Its folder in MVIP (the authors' name).
        read (Callable): ``read(root, options) -> SourceScan``.
        video (bool): Whether ``frame_stride`` applies.
    """

    folder: str
    read: Callable[[Path, ReadOptions], SourceScan]
    video: bool = False


#: Sources by command-line key, in MVIP order; M3FD and MSRS are extras.
SOURCES = {
    'flir_aligned': MVIPSource('FLIR-ALIGN', read_flir),
    'kaist': MVIPSource('KAIST_MMSEG', read_kaist, video=True),
    'lasher': MVIPSource('LasHeR0428_rename', read_lasher, video=True),
    'llvip': MVIPSource('LLVIP', LLVIP.read),
    'dronevehicle': MVIPSource('VisDrone', DRONEVEHICLE.read),
    'm3fd': MVIPSource('M3FD', M3FD.read),
    'msrs': MVIPSource('MSRS', MSRS.read),
}

__all__ = ['SOURCES', 'FolderSource', 'MVIPSource', 'ReadOptions',
           'SourcePair', 'SourceScan']
