"""A checkpoint that does not fill the model stops the tools."""
import pytest
import torch
from torch import nn

from univ_mm.utils.atomic_io import save_atomically
from univ_mm.utils.weights_check import (
    PartialCheckpointError,
    check_checkpoint_fills_model,
)


def model() -> nn.Module:
    return nn.Sequential(nn.Linear(2, 3), nn.Linear(3, 4))


def test_a_checkpoint_of_the_model_passes(tmp_path):
    state = {f'module.{k}': v for k, v in model().state_dict().items()}
    path = save_atomically(dict(state_dict=state), tmp_path / 'full.pth')
    check_checkpoint_fills_model(model(), path)


def test_the_error_names_missing_unexpected_and_reshaped_keys(tmp_path):
    state = model().state_dict()
    del state['1.bias']
    state['0.weight'] = torch.zeros(5, 2)
    state['head.weight'] = torch.zeros(1)
    path = save_atomically(dict(state_dict=state), tmp_path / 'other.pth')
    with pytest.raises(PartialCheckpointError) as error:
        check_checkpoint_fills_model(model(), path)
    message = str(error.value)
    assert '1 missing: 1.bias' in message
    assert '1 unexpected: head.weight' in message
    assert '0.weight (checkpoint (5, 2), model (3, 2))' in message
    assert '--allow-partial-load' in message


def test_a_partial_load_on_purpose_only_warns(tmp_path, capsys):
    path = save_atomically(dict(state_dict={}), tmp_path / 'empty.pth')
    check_checkpoint_fills_model(model(), path, allow_partial=True)
    assert '4 missing' in capsys.readouterr().out
