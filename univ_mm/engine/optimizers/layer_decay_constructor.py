"""Layer-wise learning-rate decay for segmentors and detectors."""
from functools import partial

from mmpretrain.engine.optimizers import (
    LearningRateDecayOptimWrapperConstructor,
)
from torch import nn

from univ_mm.registry import OPTIM_WRAPPER_CONSTRUCTORS


@OPTIM_WRAPPER_CONSTRUCTORS.register_module()
class LayerDecayOptimWrapperConstructor(
        LearningRateDecayOptimWrapperConstructor):
    """MMPretrain's layer-wise lr decay for any model with a ViT backbone.

    MMPretrain's constructor asks the top-level model for
    ``get_layer_depth``, which only its classifiers have; MMSegmentation's
    knows only BEiT/MAE/ConvNeXt class names. This one asks the model's
    ``backbone`` (``UNIVVisionTransformer`` inherits mmpretrain's rule:
    embeddings depth 0, block i depth i + 1, everything after the backbone
    the last depth), so a parameter at depth d gets
    ``lr * layer_decay_rate ** (num_layers + 1 - d)``. Weight decay follows
    ``paramwise_cfg`` (``norm_decay_mult``, ``bias_decay_mult``,
    ``flat_decay_mult``, ``custom_keys``) as in MMPretrain, which expresses
    each source's rule: ``flat_decay_mult=0`` is the BEiT-derived rule of
    UNIP, PAD and the UNIV release (no decay on 1-D parameters), and
    ``custom_keys`` on the ViT's norms and ``pos_embed`` is detectron2's
    (ViTDet). A linear probe without layer decay uses MMEngine's default
    constructor instead.
    """

    def add_params(self, params: list[dict], module: nn.Module,
                   prefix: str = '', get_layer_depth=None, **kwargs) -> None:
        if get_layer_depth is None and not hasattr(module,
                                                   'get_layer_depth'):
            backbone = getattr(module, 'backbone', None)
            if not hasattr(backbone, 'get_layer_depth'):
                raise TypeError(
                    f'{type(module).__name__} has no backbone with '
                    'get_layer_depth; layer-wise lr decay needs one (e.g. '
                    'univ_mm.UNIVVisionTransformer).')
            get_layer_depth = partial(backbone.get_layer_depth,
                                      prefix='backbone.')
        super().add_params(params, module, prefix, get_layer_depth,
                           **kwargs)
