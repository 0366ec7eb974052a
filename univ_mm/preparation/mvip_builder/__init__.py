"""Build MVIP from the public downloads of its sources."""
from .build import build_mvip
from .sources import SOURCES

__all__ = ['SOURCES', 'build_mvip']
