"""Load pretrained weights into a UNIV backbone: the one pipeline.

read (:mod:`.files`) -> merge a LoRA student (:mod:`.lora`) -> find and
rename (:mod:`.rules`) -> fit (:mod:`.fit`) -> load. What a backbone reads
is its ``pretrained_weights`` (an :class:`~.rules.Architecture`);
:class:`PretrainedWeightsMixin` runs this for
``init_cfg=dict(type='Pretrained', checkpoint=..., prefix=...)``.
"""
from pathlib import Path

from mmengine.logging import print_log
from torch import nn

from .files import read_checkpoint, require_backbone_checkpoint
from .fit import fit
from .lora import merge_lora_student
from .rules import Architecture, convert, summarise_keys


def load_pretrained(model: nn.Module, checkpoint: str | Path,
                    prefix: str | None = None,
                    arch: Architecture | None = None) -> None:
    """Load a checkpoint of any format ``arch`` reads into ``model``.

    Every weight of ``model`` but ``arch.fresh`` is filled, or loading
    raises; declared weights (the position embedding) are resized to the
    model's. A UNIV training checkpoint's LoRA student is merged first, as
    the export does. The log names the recognised format and every key
    that was left out.

    Args:
        model (nn.Module): The backbone in its plain view (LoRA hidden).
        checkpoint (str | Path): File, folder or URL.
        prefix (str, optional): Which backbone to take when the checkpoint
            holds several. Defaults to None (the only one).
        arch (Architecture, optional): Defaults to
            ``model.pretrained_weights``.
    """
    source = str(checkpoint)
    require_backbone_checkpoint(checkpoint)
    arch = arch or model.pretrained_weights
    loaded = merge_lora_student(read_checkpoint(checkpoint), source, prefix,
                                getattr(model, 'default_lora_cfg', {}))
    weights = convert(loaded, source, prefix, arch)
    state, unused = fit(weights, model, source, arch)
    model.load_state_dict(state, strict=not arch.fresh)
    left_out = weights.dropped + unused
    groups = ', '.join(sorted({key.split('.')[0] for key in left_out}))
    print_log(f'Loaded {source} ({weights.description}); left out '
              f'{len(left_out)} keys{f" ({groups})" if groups else ""}: '
              f'{summarise_keys(left_out)}', logger='current')


def is_pretrained(init_cfg: object) -> bool:
    """Whether ``init_cfg`` is ``dict(type='Pretrained', ...)``."""
    return isinstance(init_cfg, dict) and init_cfg.get('type') == 'Pretrained'


class PretrainedWeightsMixin:
    """Load ``init_cfg=dict(type='Pretrained', ...)`` through
    :func:`load_pretrained`.

    A backbone declares ``pretrained_weights`` (what it reads) and
    ``default_lora_cfg`` (to merge a LoRA student), and may override
    :meth:`init_without_checkpoint`. Both run with LoRA layers hidden
    (``plain_view``), so the base weights get the checkpoint and LoRA keeps
    PEFT's init (B = 0: the adapted model starts equal to the base model).
    With a checkpoint there is no random initialisation: every weight comes
    from it but the declared fresh keys, which keep the construction's.
    """

    pretrained_weights: Architecture
    default_lora_cfg: dict

    def init_weights(self) -> None:
        """Load ``init_cfg``'s checkpoint, or initialise without one."""
        cfg = self.init_cfg
        with self.plain_view():
            if is_pretrained(cfg):
                load_pretrained(self, cfg['checkpoint'], cfg.get('prefix'))
                self._is_init = True
            else:
                self.init_without_checkpoint()

    def init_without_checkpoint(self) -> None:
        """The backbone's own initialisation (the next ``init_weights``)."""
        super().init_weights()
