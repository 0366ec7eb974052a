"""UNIV: a unified foundation model for infrared and visible images.

Importing the package registers every module in the ``univ_mm`` scope.
"""
from . import datasets, engine, models  # noqa: F401
from .utils import allow_runner_checkpoints
from .version import __version__

# MMEngine's resume reads its own checkpoints weights-only on torch >= 2.6
allow_runner_checkpoints()

__all__ = ['__version__']
