"""Which weights a state dict leaves unfilled, leaves over or gives another
shape: the check behind resuming and the tools' refusals of partial
checkpoints."""
import re
from typing import NamedTuple


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
