"""A checkpoint that does not fill the model stops the tools."""
import pytest
import torch
from torch import nn

from univ_mm.checkpoint.safe_io import save_atomically
from univ_mm.utils import weights_check
from univ_mm.utils.weights_check import (
    CheckpointKindError,
    PartialCheckpointError,
    check_checkpoint_fills_model,
    check_checkpoint_kind,
    init_checked_model,
    model_kind,
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


KIND_KEYS = {  # a few state-dict keys of each kind of checkpoint
    'UNIV pre-training': ['backbone.patch_embed.projection.weight',
                          'teacher.patch_embed.projection.weight'],
    'merged backbone export': ['patch_embed.projection.weight', 'pos_embed'],
    'segmentor': ['backbone.pos_embed', 'decode_head.conv_seg.weight'],
    'detector': ['module.backbone.pos_embed', 'rpn_head.rpn_conv.weight',
                 'roi_head.bbox_head.fc_cls.weight'],
}


def save_kind(tmp_path, kind):
    state = {key: torch.zeros(1) for key in KIND_KEYS[kind]}
    return save_atomically(dict(state_dict=state), tmp_path / 'ckpt.pth')


@pytest.mark.parametrize('kind', KIND_KEYS)
def test_the_kind_is_told_from_the_keys(kind):
    assert model_kind(KIND_KEYS[kind]) == kind


def test_the_kind_of_a_config_is_told_from_its_model_keys():
    assert model_kind(dict(type='EncoderDecoder', backbone={},
                           decode_head={})) == 'segmentor'
    assert model_kind(dict(type='RetinaNet', bbox_head={})) == 'detector'
    assert model_kind(dict(type='UNIV', backbone={}, teacher={})) == \
        'UNIV pre-training'
    assert model_kind(['backbone.x', 'head.fc.weight']) is None


@pytest.mark.parametrize('found, needed', [
    ('detector', 'segmentor'), ('segmentor', 'UNIV pre-training'),
    ('merged backbone export', 'detector')])
def test_a_checkpoint_of_another_kind_is_refused(tmp_path, found, needed):
    path = save_kind(tmp_path, found)
    with pytest.raises(CheckpointKindError) as error:
        check_checkpoint_kind(path, needed)
    assert str(error.value).startswith(
        f'{path} is a {found} checkpoint (')
    assert f'this tool needs a {needed} checkpoint (e.g. ' in str(error.value)


@pytest.mark.parametrize('kind', KIND_KEYS)
def test_a_checkpoint_of_the_needed_kind_passes(tmp_path, kind):
    check_checkpoint_kind(save_kind(tmp_path, kind), kind)


def test_a_checkpoint_of_unknown_kind_passes(tmp_path):
    path = save_atomically(model().state_dict(), tmp_path / 'plain.pth')
    check_checkpoint_kind(path, 'segmentor')


def test_both_checks_of_a_checked_init_share_one_read(tmp_path, monkeypatch):
    path = save_atomically(dict(state_dict=model().state_dict()),
                           tmp_path / 'full.pth')
    loader = weights_check.CheckpointLoader
    reads = []
    original = loader.load_checkpoint

    def counted(*args, **kwargs):
        reads.append(args)
        return original(*args, **kwargs)
    monkeypatch.setattr(loader, 'load_checkpoint', counted)
    built = init_checked_model(model, path, None)
    assert isinstance(built, nn.Sequential) and len(reads) == 1
    with pytest.raises(PartialCheckpointError):
        init_checked_model(lambda: nn.Linear(2, 2), path, None)
    assert len(reads) == 2
