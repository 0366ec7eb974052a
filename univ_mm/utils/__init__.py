from .atomic_io import (
                        latest_checkpoint,
                        save_atomically,
                        use_atomic_local_writes,
)
from .checkpoint import (
                        allow_runner_checkpoints,
                        load_checkpoint_safely,
                        save_merged_backbone,
                        use_safe_local_loading,
)

__all__ = ['allow_runner_checkpoints', 'latest_checkpoint',
           'load_checkpoint_safely', 'save_atomically',
           'save_merged_backbone', 'use_atomic_local_writes',
           'use_safe_local_loading']
