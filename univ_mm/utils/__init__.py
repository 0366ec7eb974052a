from .checkpoint import (
                         allow_runner_checkpoints,
                         load_checkpoint_safely,
                         save_atomically,
                         save_merged_backbone,
)

__all__ = ['allow_runner_checkpoints', 'load_checkpoint_safely',
           'save_atomically', 'save_merged_backbone']
