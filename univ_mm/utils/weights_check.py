"""Refuse to evaluate a model that a checkpoint did not fill."""
import argparse
import re
from pathlib import Path
from typing import NamedTuple

from mmengine.runner import CheckpointLoader
from torch import nn

#: The flag of the tools that allows a partial load on purpose.
ALLOW_PARTIAL_FLAG = '--allow-partial-load'


def add_partial_load_argument(parser: argparse.ArgumentParser) -> None:
    """Add the flag that lets a tool run on a partially loaded model."""
    parser.add_argument(
        ALLOW_PARTIAL_FLAG, action='store_true',
        help='run even if the checkpoint does not fill the model (missing, '
        'unexpected or reshaped keys): only for a partial load on purpose')


class PartialCheckpointError(RuntimeError):
    """A checkpoint leaves weights of the model unloaded or mismatched."""


class WeightMismatches(NamedTuple):
    """How a checkpoint's weights differ from a model's: ``missing`` (in
    the model only), ``unexpected`` (in the checkpoint only), ``reshaped``
    (``(key, checkpoint shape, model shape)``); model order, then the
    checkpoint's."""
    missing: list[str]
    unexpected: list[str]
    reshaped: list[tuple[str, tuple, tuple]]


def weight_mismatches(expected: dict, state: dict) -> WeightMismatches:
    """Compare a checkpoint's ``state`` dict (DDP's ``module.`` prefix
    ignored) with a model's ``expected`` state dict."""
    state = {re.sub(r'^module\.', '', k): v for k, v in state.items()}
    return WeightMismatches(
        missing=[k for k in expected if k not in state],
        unexpected=[k for k in state if k not in expected],
        reshaped=[(k, tuple(state[k].shape), tuple(v.shape))
                  for k, v in expected.items() if k in state
                  and hasattr(state[k], 'shape')
                  and state[k].shape != v.shape])


def _mismatches(model: nn.Module, state: dict) -> dict[str, list[str]]:
    found = weight_mismatches(model.state_dict(), state)
    return {'missing': sorted(found.missing),
            'unexpected': sorted(found.unexpected),
            'of another shape': [
                f'{k} (checkpoint {saved}, model {shape})'
                for k, saved, shape in sorted(found.reshaped)]}


def check_checkpoint_fills_model(model: nn.Module, checkpoint: str | Path,
                                 allow_partial: bool = False) -> None:
    """Check that ``checkpoint`` holds every weight of ``model``, in shape.

    MMSeg's ``init_model``, MMDet's ``init_detector`` and the runner's
    ``load_from`` load non-strictly: a checkpoint of another model only
    logs warnings and the tool then reports numbers of random weights.

    Args:
        model (nn.Module): The model the checkpoint was loaded into.
        checkpoint (str | Path): The checkpoint (a path or URL).
        allow_partial (bool): Only warn, for an intentional partial load.
            Defaults to False.

    Raises:
        PartialCheckpointError: Keys are missing, unexpected or of another
            shape; the message names them.
    """
    loaded = CheckpointLoader.load_checkpoint(str(checkpoint), 'cpu')
    state = loaded.get('state_dict', loaded)
    problems = {kind: keys for kind, keys in
                _mismatches(model, state).items() if keys}
    if not problems:
        return
    summary = '; '.join(
        f'{len(keys)} {kind}: {", ".join(keys[:5])}'
        f'{", ..." if len(keys) > 5 else ""}'
        for kind, keys in problems.items())
    message = (f'{checkpoint} does not fit the {type(model).__name__} of '
               f'the config: {summary}')
    if allow_partial:
        print(f'warning: {message} ({ALLOW_PARTIAL_FLAG} given)')
        return
    raise PartialCheckpointError(
        f'{message}. Its results would come from weights that did not '
        'load: check that the checkpoint is the trained model of this config '
        f'(not a backbone export), or pass {ALLOW_PARTIAL_FLAG} for an '
        'intentional partial load.')
