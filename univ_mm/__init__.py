"""UNIV: a unified foundation model for infrared and visible images.

Importing the package registers the modules that the pre-training configs
build in the ``univ_mm`` scope, and changes nothing else. The downstream
configs also import :mod:`univ_mm.seg` or :mod:`univ_mm.det` (their
datasets and neck, which need MMSegmentation or MMDetection), and every
config imports :mod:`univ_mm.engine.safe_checkpoints` (see
:func:`univ_mm.utils.use_safe_checkpoints`).
"""
from . import (  # noqa: F401
    datasets,
    engine,
    evaluation,
    models,
    visualization,
)
from .version import __version__

__all__ = ['__version__']
