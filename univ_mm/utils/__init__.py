from .atomic_io import latest_checkpoint, save_atomically
from .checkpoint import (
                        load_checkpoint_safely,
                        save_merged_backbone,
                        use_safe_checkpoints,
)

__all__ = ['latest_checkpoint', 'load_checkpoint_safely', 'save_atomically',
           'save_merged_backbone', 'use_safe_checkpoints']
