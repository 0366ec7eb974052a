"""What a ConvMAE encoder reads: the ConvMAE and UNIV releases, our files.

Formats, all under the release's names (which ``UNIVConvMAE`` keeps):

- the UNIV release (``UNIV_checkpoint.pth``; LoRA merged; ``student``
  besides ``teacher``, ``optimizer``, ``epoch`` and ``args``): the student
  is the one loaded,
- the ConvMAE release (``convmae_base.pth``, ``model``: encoder + MAE
  decoder),
- a univ_mm export (``tools/export_backbone.py``) or training checkpoint
  (``state_dict``, ``backbone.`` prefix; a LoRA student is merged first),
- or a plain state dict.

Keys outside the encoder (the MAE decoder, ``mask_token``,
``stage{1,2}_output_decode``) are left out and logged; fine-tuning
additions no pre-trained checkpoint has keep their initialisation.
"""
import re

from .fit import resize_position_embedding
from .rules import KEEP, Architecture, Format

#: Fine-tuning additions no pre-trained checkpoint has: they keep their
#: initialisation (zero bias tables, layer scale, a new stride-32 branch).
FRESH_PARAMETERS = ('relative_position_bias_table', 'gamma_1', 'gamma_2',
                    'fpn.')
#: The releases' names are the encoder's own.
CONVMAE_RELEASE = Format('ConvMAE / UNIV release', 'patch_embed1.proj.weight',
                         '', ((r'.+', KEEP), ))

#: What ``UNIVConvMAE`` declares: in the UNIV release the student is the
#: trained model (the teacher is the frozen RGB encoder).
CONVMAE = Architecture(
    name='ConvMAE encoder', formats=(CONVMAE_RELEASE, ),
    patch_embed=CONVMAE_RELEASE.anchor, trained_network='student',
    fresh=tuple(map(re.escape, FRESH_PARAMETERS)), unused_ok=('', ),
    resizers={'pos_embed': resize_position_embedding},
    advise=lambda state, model: (
        'Is it a ConvMAE checkpoint of the same arch (or set '
        'init_cfg.prefix)?'))
