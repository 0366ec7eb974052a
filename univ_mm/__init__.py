"""UNIV: a unified foundation model for infrared and visible images.

Importing the package adds the ``univ_mm`` registries to MMEngine's tree
and loads nothing else (no torch): each registry imports the modules it
holds (its ``locations``) when it is first asked for one, e.g. for
``type='univ_mm.X'`` or under ``default_scope='univ_mm'``. The downstream
configs also import :mod:`univ_mm.seg` or :mod:`univ_mm.det` (their
datasets and neck, which need MMSegmentation or MMDetection), and every
config imports :mod:`univ_mm.engine.safe_checkpoints` (see
:func:`univ_mm.checkpoint.safe_io.use_safe_checkpoints`).
"""
from . import registry  # noqa: F401
from .version import __version__

__all__ = ['__version__']
