from .layer_decay_constructor import LayerDecayOptimWrapperConstructor
from .per_parameter_clip import (
    PerParameterClipAmpOptimWrapper,
    PerParameterClipOptimWrapper,
    clip_grad_per_parameter_,
)

__all__ = ['LayerDecayOptimWrapperConstructor',
           'PerParameterClipAmpOptimWrapper', 'PerParameterClipOptimWrapper',
           'clip_grad_per_parameter_']
