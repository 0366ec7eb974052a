"""The bottom layer: checkpoint files and what they may hold.

Weights-only reading with an exact allowlist, downloads and atomic saves
(:mod:`.safe_io`, torch), atomic files and the newest complete checkpoint
(:mod:`.atomic_io`, no torch), config text read as literals
(:mod:`.literal_config`) and the fill check of a state dict
(:mod:`.fill_check`). The helpers below load (with torch) on first use, so
that the torch-free modules import alone.
"""
from importlib import import_module

#: Each helper exported here, and the module that defines it.
_EXPORTS = {
    'latest_checkpoint': 'atomic_io',
    'load_checkpoint_safely': 'safe_io',
    'save_atomically': 'safe_io',
    'save_merged_backbone': 'safe_io',
    'use_safe_checkpoints': 'safe_io',
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    """Import the module of an exported helper when it is first used."""
    if name not in _EXPORTS:
        raise AttributeError(f'module {__name__!r} has no attribute {name!r}')
    return getattr(import_module(f'.{_EXPORTS[name]}', __name__), name)
