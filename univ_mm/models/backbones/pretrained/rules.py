"""The shared rules of finding a backbone's weights in a checkpoint.

One container order, one prefix rule, one LoRA refusal, one renaming step,
for every backbone; what differs between backbones is declared data, an
:class:`Architecture` (its formats, fresh keys, resizers, hints).

- Containers: the weights are in the first of :func:`containers`
  (``state_dict``, ``model``, then the two networks of a distillation
  checkpoint, the architecture's ``trained_network`` first) that holds the
  architecture, else at the top level.
- Prefix: a backbone is found by an anchor key (its first patch
  embedding) wherever it sits; what precedes the anchor is its prefix
  (``backbone.``, ``module.``, ``vit.`` ...). ``init_cfg.prefix`` only
  picks among several; one the checkpoint does not have is a preference.
- LoRA: a LoRA-trained UNIV student is merged before (:mod:`.lora`); any
  other unmerged LoRA weight is refused.
"""
import re
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from torch import Tensor

#: Every container searched, before the two networks of a distillation
#: checkpoint: MMEngine's and the MAE/DeiT releases'.
CONTAINERS = ('state_dict', 'model')
#: The networks of a distillation checkpoint (DINO, the UNIV release).
NETWORKS = ('teacher', 'student')
#: What names an unmerged LoRA weight (PEFT's names).
LORA_MARKERS = ('lora_', '.base_layer.')
#: Keep a matched key as it is (a rename's replacement).
KEEP = r'\g<0>'


@dataclass(frozen=True)
class Format:
    """How one library names an architecture.

    Args:
        name (str): Shown in logs and errors.
        anchor (str): A key every checkpoint of the format has.
        marker (str): A second key that tells formats sharing the anchor
            apart; empty if none is needed.
        renames (tuple): ``(pattern, replacement)`` pairs; a key that
            fully matches a pattern is renamed with ``re.sub``, the first
            match wins, a key matching none is dropped.
        steps (tuple): Functions applied to the renamed state dict, in
            order (e.g. fusing separate q, k, v). Defaults to ().
    """

    name: str
    anchor: str
    marker: str
    renames: tuple[tuple[str, str], ...]
    steps: tuple[Callable[[dict], dict], ...] = ()


@dataclass(frozen=True)
class Architecture:
    """What one backbone declares for loading pretrained weights.

    Args:
        name (str): ``'ViT'``: "this ViT", "several ViTs" in messages.
        formats (tuple[Format]): The formats it reads, tried in order.
        patch_embed (str): The anchor under the backbone's own names,
            named when shapes differ.
        trained_network (str): Which network of a two-network checkpoint
            (``'teacher'``/``'student'``) is searched first.
        fresh (tuple[str]): ``re.search`` patterns of the backbone's keys
            that no pre-trained checkpoint needs to fill: they keep their
            initialisation. Defaults to () (every weight is filled).
        unused_ok (tuple[str]): Patterns of converted keys the backbone may
            lack; they are left out and logged. Others are refused.
            Defaults to ().
        unsupported (tuple): ``(pattern, reason)`` of checkpoint keys that
            are refused (leaving them out would change the network).
        adapters (tuple): ``f(state, expected, where) -> state`` run on the
            converted weights before they are checked.
        resizers (Mapping): Key to ``f(tensor, model) -> tensor`` for
            weights whose shape may differ (raise ``ValueError`` with the
            reason when they cannot be resized).
        extra_hints, missing_hints (Mapping): Advice for weights one side
            lacks, by a ``re.search`` pattern; the first match wins.
        advise (Callable): ``f(state, model) -> str``: what to set in the
            config when the weights do not fit.
        advise_when (str): Missing or extra keys get ``advise`` only when
            one of them matches. Defaults to '' (always).
    """

    name: str
    formats: tuple[Format, ...]
    patch_embed: str
    trained_network: str
    fresh: tuple[str, ...] = ()
    unused_ok: tuple[str, ...] = ()
    unsupported: tuple[tuple[str, str], ...] = ()
    adapters: tuple[Callable, ...] = ()
    resizers: Mapping[str, Callable] = field(default_factory=dict)
    extra_hints: Mapping[str, str] = field(default_factory=dict)
    missing_hints: Mapping[str, str] = field(default_factory=dict)
    advise: Callable[[dict, object], str] = lambda state, model: ''
    advise_when: str = ''


@dataclass
class ConvertedWeights:
    """A backbone found in a checkpoint, under the backbone's names.

    Args:
        state_dict (dict): The renamed weights.
        format (Format): The recognised format.
        location (str): Where it was found: container and prefix.
        dropped (list[str]): Original keys that were left out.
    """

    state_dict: dict[str, Tensor]
    format: Format
    location: str
    dropped: list[str]

    @property
    def description(self) -> str:
        """E.g. ``"timm / ... format, under 'model', prefix ''"``."""
        return f'{self.format.name} format, {self.location}'


def containers(arch: Architecture) -> tuple[str, ...]:
    """The containers searched, in order: :data:`CONTAINERS`, then
    ``arch.trained_network`` and the other network."""
    other = tuple(n for n in NETWORKS if n != arch.trained_network)
    return (*CONTAINERS, arch.trained_network, *other)


def select_container(checkpoint: dict,
                     arch: Architecture) -> tuple[dict, str]:
    """The dict holding the weights: the first container holding ``arch``.

    Returns:
        tuple[dict, str]: The weights and a description of where they are.
    """
    order = containers(arch)
    for key in order:
        value = checkpoint.get(key)
        if isinstance(value, dict) and find(value, arch):
            others = [k for k in order if k != key and k in checkpoint]
            also = f' (also present: {others})' if others else ''
            return value, f'under {key!r}{also}'
    return checkpoint, 'at the top level'


def find(state_dict: dict, arch: Architecture) -> list[tuple[Format, str]]:
    """Every ``(format, prefix)`` whose anchor and marker keys exist."""
    found = []
    for fmt in arch.formats:
        for key in state_dict:
            if key != fmt.anchor and not key.endswith('.' + fmt.anchor):
                continue
            prefix = key[:len(key) - len(fmt.anchor)]
            if not fmt.marker or prefix + fmt.marker in state_dict:
                found.append((fmt, prefix))
    return found


def choose(found: list[tuple[Format, str]], prefix: str | None, source: str,
           arch: Architecture) -> tuple[Format, str]:
    """The one backbone to load: the only one found, or the one at
    ``prefix`` (a prefix the checkpoint lacks is only a preference: a
    plain checkpoint loads under a config that says ``'backbone.'``).

    Raises:
        KeyError: None was found, or several and ``prefix`` picks none.
    """
    if not found:
        raise KeyError(
            f'{source} has no weight of this {arch.name} in a format it '
            'reads: no key ends with one of '
            f'{sorted({fmt.anchor for fmt in arch.formats})}. Supported '
            f'formats: {[fmt.name for fmt in arch.formats]}.')
    chosen = [item for item in found if item[1] == prefix]
    if len(chosen) == 1 or len(found) == 1:
        return (chosen or found)[0]
    raise KeyError(
        f'{source} holds several {arch.name}s, at prefixes '
        f'{[p for _, p in found]}; set init_cfg.prefix to the one to load.')


def refuse_lora(state_dict: dict, prefix: str, where: str) -> None:
    """Refuse unmerged LoRA weights under ``prefix`` (a LoRA student of a
    UNIV training checkpoint is merged before, :mod:`.lora`).

    Raises:
        ValueError: Names some of them.
    """
    lora = [k for k in state_dict if k.startswith(prefix)
            and any(marker in k for marker in LORA_MARKERS)]
    if lora:
        raise ValueError(
            f'{where} holds unmerged LoRA weights that are not a univ_mm '
            'training checkpoint\'s "backbone." student '
            f'({summarise_keys(lora)[:3]}): merge them into the base weights '
            'first.')


def rename(state_dict: dict[str, Tensor], fmt: Format, prefix: str,
           unsupported: tuple[tuple[str, str], ...] = ()
           ) -> tuple[dict[str, Tensor], list[str]]:
    """Rename the keys under ``prefix``; return them and the dropped keys.

    Raises:
        ValueError: A key matches an ``unsupported`` pattern.
    """
    renamed, dropped = {}, []
    for key, value in state_dict.items():
        relative = key[len(prefix):] if key.startswith(prefix) else None
        new = None if relative is None else _renamed(relative, fmt.renames,
                                                     unsupported)
        if new is None:
            dropped.append(key)
        else:
            renamed[new] = value
    return renamed, dropped


def _renamed(key: str, renames: tuple[tuple[str, str], ...],
             unsupported: tuple[tuple[str, str], ...]) -> str | None:
    for reason_pattern, reason in unsupported:
        if re.fullmatch(reason_pattern, key):
            raise ValueError(f'the checkpoint has {key!r}: {reason}.')
    for pattern, replacement in renames:
        if re.fullmatch(pattern, key):
            return re.sub(pattern, replacement, key)
    return None


def convert(checkpoint: dict, source: str, prefix: str | None,
            arch: Architecture) -> ConvertedWeights:
    """Find ``arch`` in ``checkpoint`` and rename it to its own names.

    Args:
        checkpoint (dict): As loaded from the file (LoRA merged).
        source (str): The file, for messages.
        prefix (str, optional): Which backbone to take when the checkpoint
            holds several (e.g. ``'teacher.'`` of a UNIV training
            checkpoint). None takes the only one.
        arch (Architecture): What to look for.

    Returns:
        ConvertedWeights: The weights, the format, where they were, and
        every key that was dropped.
    """
    state_dict, where = select_container(checkpoint, arch)
    fmt, prefix = choose(find(state_dict, arch), prefix, source, arch)
    refuse_lora(state_dict, prefix, f'{source} ({fmt.name} format)')
    try:
        renamed, dropped = rename(state_dict, fmt, prefix, arch.unsupported)
    except ValueError as err:
        raise ValueError(f'{source} ({fmt.name} format): {err}') from err
    for step in fmt.steps:
        renamed = step(renamed)
    return ConvertedWeights(renamed, fmt, f'{where}, prefix {prefix!r}',
                            dropped)


def summarise_keys(keys: list[str]) -> list[str]:
    """Name many keys briefly: ``blocks.{0..7}.norm1.weight``.

    Keys that differ only in one block index are merged into a range when
    the indices are consecutive; every key stays named.
    """
    groups = defaultdict(list)
    for key in keys:
        match = re.fullmatch(r'(.*?\.)(\d+)(\..*)', key)
        if match is None:
            groups[(key, '')].append(None)
        else:
            groups[(match[1], match[3])].append(int(match[2]))
    lines = []
    for (head, tail), indices in groups.items():
        if indices == [None]:
            lines.append(head)
        elif len(indices) > 1 and sorted(indices) == list(
                range(min(indices), max(indices) + 1)):
            lines.append(f'{head}{{{min(indices)}..{max(indices)}}}{tail}')
        else:
            lines += [f'{head}{index}{tail}' for index in indices]
    return lines
