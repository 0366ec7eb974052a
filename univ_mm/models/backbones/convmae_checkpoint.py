"""Load ConvMAE encoder weights from the checkpoints users actually have.

Formats, recognised by their top-level key:

- ``student``: the UNIV release (``UNIV_checkpoint.pth``; LoRA merged; the
  file also holds ``teacher``, ``optimizer``, ``epoch`` and ``args``),
- ``model``: the ConvMAE release (``convmae_base.pth``, encoder + MAE
  decoder),
- ``state_dict``: a univ_mm export (``tools/export_backbone.py``, plain
  names) or a training checkpoint (``backbone.`` prefix; an unmerged LoRA
  student is merged as the export does, see
  :func:`univ_mm.utils.export.merge_lora_student`),
- otherwise the file itself is taken as a state dict.

Files are read as the ViT's are
(:func:`.vit_checkpoint_loading.read_checkpoint`: weights-only
``.pth``/``.bin``, ``.safetensors``, http(s) URLs).
"""
from mmengine.logging import print_log
from mmpretrain.models.utils import resize_pos_embed
from torch import Tensor, nn

from univ_mm.utils.export import merge_lora_student

from .vit_checkpoint_loading import (
    read_checkpoint,
    require_backbone_checkpoint,
)

#: Checkpoint keys that hold the weights, in order of preference.
WEIGHT_KEYS = ('student', 'model', 'state_dict')
#: Fine-tuning additions no pre-trained checkpoint has: they keep their
#: initialisation (zero bias tables, layer scale, a new stride-32 branch).
FRESH_PARAMETERS = ('relative_position_bias_table', 'gamma_1', 'gamma_2',
                    'fpn.')


def _weights(checkpoint: dict, path: str, own: set[str],
             prefix: str | None) -> dict[str, Tensor]:
    """The state dict inside ``checkpoint``, with ``prefix`` removed."""
    key = next((k for k in WEIGHT_KEYS if k in checkpoint), None)
    state = checkpoint[key] if key else checkpoint
    if prefix is None and not own & set(state) and any(
            k.startswith('backbone.') for k in state):
        prefix = 'backbone.'
    if prefix:
        state = {k[len(prefix):]: v for k, v in state.items()
                 if k.startswith(prefix)}
    if any('lora_' in k or '.base_layer.' in k for k in state):
        raise KeyError(
            f'{path} holds unmerged LoRA weights that are not a univ_mm '
            'training checkpoint\'s "backbone." student; merge them into '
            'the base weights first.')
    return state


def _resize_pos_embed(model: nn.Module, pos_embed: Tensor) -> Tensor:
    """Resize a square ``[1, N, C]`` position embedding to the model's."""
    side = int(pos_embed.shape[1]**0.5)
    return resize_pos_embed(pos_embed, (side, side), model.patch_resolution,
                            mode='bicubic', num_extra_tokens=0)


def load_convmae_weights(model: nn.Module, path: str,
                         prefix: str | None = None) -> None:
    """Load a ConvMAE/UNIV checkpoint into ``model``'s encoder.

    Keys outside the model (the MAE decoder, ``mask_token``,
    ``stage{1,2}_output_decode``, a teacher) are ignored and listed once in
    the log; a position embedding of another size is resized. A training
    checkpoint's LoRA student is merged first.

    Args:
        model (nn.Module): A ``UNIVConvMAE`` in its plain view.
        path (str): Checkpoint file or URL.
        prefix (str, optional): Key prefix of the encoder weights; found
            automatically for ``backbone.``. Defaults to None.

    Raises:
        KeyError: An encoder weight is missing (named), or the file holds
            unmerged LoRA weights outside a training checkpoint.
    """
    require_backbone_checkpoint(path)
    own = model.state_dict()
    checkpoint = merge_lora_student(read_checkpoint(path), path, prefix,
                                    model)
    state = _weights(checkpoint, path, set(own), prefix)
    missing = [k for k in own if k not in state
               and not any(part in k for part in FRESH_PARAMETERS)]
    if missing:
        raise KeyError(
            f'{path} lacks {len(missing)} encoder weights of '
            f'{type(model).__name__}, e.g. {missing[:5]}; is it a ConvMAE '
            'checkpoint of the same arch (or set init_cfg.prefix)?')
    ignored = sorted({k.split('.')[0] for k in state if k not in own})
    if ignored:
        print_log(f'{path}: ignored weights outside the encoder: '
                  f'{", ".join(ignored)}', logger='current')
    if 'pos_embed' in state and state['pos_embed'].shape != \
            own['pos_embed'].shape:
        state['pos_embed'] = _resize_pos_embed(model, state['pos_embed'])
    model.load_state_dict({k: v for k, v in state.items() if k in own},
                          strict=False)
