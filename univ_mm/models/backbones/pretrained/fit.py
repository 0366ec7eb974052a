"""Fit converted weights to a backbone: the one check every backbone gets.

Every weight of the backbone is filled but for its declared ``fresh``
keys; converted weights it lacks are refused but for its ``unused_ok``;
shapes agree but for its declared ``resizers``.
"""
import math
import re

from mmpretrain.models.utils import resize_pos_embed
from torch import Tensor, nn

from .rules import Architecture, ConvertedWeights, summarise_keys


def _matches(key: str, patterns: tuple[str, ...]) -> bool:
    return any(re.search(pattern, key) for pattern in patterns)


def _hints(keys: set[str], hints: dict[str, str]) -> str:
    found = [text for pattern, text in hints.items()
             if any(re.search(pattern, key) for key in keys)]
    return f' ({found[0]})' if found else ''


def _advice(keys: set[str], advice: str, arch: Architecture) -> str:
    """``advice`` when a key matches ``arch.advise_when``."""
    return f' {advice}' if advice and any(
        re.search(arch.advise_when, k) for k in keys) else ''


def check_keys(state: dict[str, Tensor], expected: dict[str, Tensor],
               where: str, arch: Architecture,
               advice: str = '') -> list[str]:
    """Refuse weights that do not fit the backbone's; return those left
    unused.

    Raises:
        ValueError: The checkpoint has weights the backbone lacks.
        KeyError: A weight of the backbone (not a fresh one) has nothing
            to load.
    """
    extra = set(state) - set(expected)
    unused = sorted(k for k in extra if _matches(k, arch.unused_ok))
    extra -= set(unused)
    if extra:
        raise ValueError(
            f'{where} has weights this {arch.name} does not have: '
            f'{summarise_keys(sorted(extra))}'
            f'{_hints(extra, arch.extra_hints)}.'
            f'{_advice(extra, advice, arch)}')
    missing = {k for k in expected
               if k not in state and not _matches(k, arch.fresh)}
    if missing:
        raise KeyError(
            f'{where} fills no value for these weights of the {arch.name}: '
            f'{summarise_keys(sorted(missing))}'
            f'{_hints(missing, arch.missing_hints)}.'
            f'{_advice(missing, advice, arch)}')
    return unused


def resize_position_embedding(pos_embed: Tensor, model: nn.Module) -> Tensor:
    """A square ``[1, extra + side**2, C]`` position embedding resized to
    ``model.patch_resolution`` (``model.num_extra_tokens`` kept, 0 if it
    has none; ``model.interpolate_mode``, else bicubic).

    Raises:
        ValueError: The grid is not square or the width differs.
    """
    extra = getattr(model, 'num_extra_tokens', 0)
    grid = pos_embed.shape[1] - extra
    side = math.isqrt(max(grid, 0))
    if pos_embed.shape[2] != model.pos_embed.shape[2] or side**2 != grid:
        raise ValueError('resizing needs a square grid of the same width')
    return resize_pos_embed(pos_embed, (side, side), model.patch_resolution,
                            mode=getattr(model, 'interpolate_mode',
                                         'bicubic'),
                            num_extra_tokens=extra)


def check_shapes(state: dict[str, Tensor], expected: dict[str, Tensor],
                 model: nn.Module, where: str, arch: Architecture,
                 advice: str = '') -> dict[str, Tensor]:
    """``state`` with its declared resizable weights resized; every other
    shape must agree.

    Raises:
        ValueError: Names the first weights that differ, the patch
            embeddings and ``advice``.
    """
    state, wrong = dict(state), []
    for key, value in expected.items():
        if key not in state or state[key].shape == value.shape:
            continue
        resize = arch.resizers.get(key)
        reason = ''
        if resize is not None:
            try:
                state[key] = resize(state[key], model)
                continue
            except ValueError as err:
                reason = f' ({err})'
        wrong.append(f'{key}: checkpoint {tuple(state[key].shape)}'
                     f'{reason}, {arch.name} {tuple(value.shape)}')
    if wrong:
        anchor = arch.patch_embed
        raise ValueError(
            f'{where} does not fit this {arch.name}: its patch embedding is '
            f'{tuple(state[anchor].shape)} (width, channels, patch), the '
            f'{arch.name}\'s {tuple(expected[anchor].shape)}. Differing '
            f'weights: {wrong[:4]}. {advice}')
    return state


def fit(weights: ConvertedWeights, model: nn.Module, source: str,
        arch: Architecture) -> tuple[dict[str, Tensor], list[str]]:
    """The converted weights as ``model`` needs them, and the unused keys.

    Raises:
        ValueError, KeyError: They do not fit (see :func:`check_keys`,
            :func:`check_shapes` and ``arch.adapters``).
    """
    where = f'{source} ({weights.description})'
    expected = model.state_dict()
    state = weights.state_dict
    for adapt in arch.adapters:
        state = adapt(state, expected, where)
    advice = arch.advise(state, model)
    unused = check_keys(state, expected, where, arch, advice)
    state = {k: v for k, v in state.items() if k not in unused}
    return check_shapes(state, expected, model, where, arch, advice), unused
