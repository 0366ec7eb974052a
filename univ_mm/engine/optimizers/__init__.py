from .fused_clip_amp_wrapper import (
    FusedClipAmpOptimWrapper,
    FusedClipOptimWrapper,
)
from .layer_decay_constructor import LayerDecayOptimWrapperConstructor
from .merged_groups_constructor import (
    MergedGroupsOptimWrapperConstructor,
    merge_param_groups,
)
from .per_parameter_clip import (
    PerParameterClipAmpOptimWrapper,
    PerParameterClipOptimWrapper,
    clip_grad_per_parameter_,
)

__all__ = ['FusedClipAmpOptimWrapper', 'FusedClipOptimWrapper',
           'LayerDecayOptimWrapperConstructor',
           'MergedGroupsOptimWrapperConstructor', 'merge_param_groups',
           'PerParameterClipAmpOptimWrapper', 'PerParameterClipOptimWrapper',
           'clip_grad_per_parameter_']
