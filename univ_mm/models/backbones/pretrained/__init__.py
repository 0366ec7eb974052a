"""One way to load pretrained weights into the UNIV backbones.

Shared: reading files (:mod:`.files`), merging a LoRA student
(:mod:`.lora`), the container order, prefix rule and LoRA refusal
(:mod:`.rules`), the fit to the model (:mod:`.fit`) and the loading
(:mod:`.pipeline`). Declared per backbone: an
:class:`~.rules.Architecture` (:data:`.vit.VIT`,
:data:`.convmae.CONVMAE`).
"""
from .convmae import CONVMAE, FRESH_PARAMETERS
from .files import read_checkpoint, require_backbone_checkpoint
from .lora import merge_lora_student
from .pipeline import PretrainedWeightsMixin, is_pretrained, load_pretrained
from .rules import (
    Architecture,
    ConvertedWeights,
    Format,
    containers,
    convert,
    summarise_keys,
)
from .vit import VIT, WIDTH_KEYS, convert_vit

__all__ = [
    'CONVMAE', 'FRESH_PARAMETERS', 'VIT', 'WIDTH_KEYS', 'Architecture',
    'ConvertedWeights', 'Format', 'PretrainedWeightsMixin', 'containers',
    'convert', 'convert_vit', 'is_pretrained', 'load_pretrained',
    'merge_lora_student', 'read_checkpoint', 'require_backbone_checkpoint',
    'summarise_keys'
]
