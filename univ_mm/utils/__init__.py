"""Helpers of the tools and the training loop.

The checkpoint helpers below load (with torch) on first use, so that
:mod:`.arguments` imports without torch and ``--help`` stays instant.
"""
from importlib import import_module

#: Each helper exported here, and the module that defines it.
_EXPORTS = {
    'latest_checkpoint': 'atomic_io',
    'load_checkpoint_safely': 'checkpoint',
    'save_atomically': 'checkpoint',
    'save_merged_backbone': 'checkpoint',
    'use_safe_checkpoints': 'checkpoint',
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    """Import the module of an exported helper when it is first used."""
    if name not in _EXPORTS:
        raise AttributeError(f'module {__name__!r} has no attribute {name!r}')
    return getattr(import_module(f'.{_EXPORTS[name]}', __name__), name)
