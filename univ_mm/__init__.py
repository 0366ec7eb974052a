"""UNIV: a unified foundation model for infrared and visible images.

Importing the package registers every module in the ``univ_mm`` scope.
"""
from . import (  # noqa: F401
    datasets,
    engine,
    evaluation,
    models,
    visualization,
)
from .utils import (
                    allow_runner_checkpoints,
                    use_atomic_local_writes,
                    use_safe_local_loading,
)
from .version import __version__

# Checkpoints: MMEngine's resume reads its own files weights-only on
# torch >= 2.6, local loads never unpickle code, local saves are atomic.
allow_runner_checkpoints()
use_safe_local_loading()
use_atomic_local_writes()

__all__ = ['__version__']
