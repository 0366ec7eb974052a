"""Safe loading, atomic saving."""
import argparse
import os
import pickle
import shutil
import subprocess
import sys
from urllib.error import URLError

import mmengine.runner.checkpoint as mmengine_checkpoint
import numpy as np
import pytest
import torch
from helpers import tiny_univ, tiny_vit
from mmengine.logging import HistoryBuffer
from mmengine.runner import CheckpointLoader, load_checkpoint

from univ_mm.checkpoint.safe_io import (
    _without_config_text,
    load_checkpoint_safely,
    save_atomically,
)
from univ_mm.registry import MODELS


class Payload:
    """Pickles into a call that would create a file when unpickled."""

    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __reduce__(self):
        return (os.mkdir, (self.marker, ))


class Unpicklable:
    """Fails halfway through a save."""

    def __reduce__(self):
        raise pickle.PicklingError('cannot be saved')


def test_runner_state_loads_weights_only(tmp_path):
    buffer = HistoryBuffer()
    buffer.update(1.5)
    state = dict(state_dict=dict(w=torch.ones(2)),
                 message_hub=dict(log_scalars=dict(loss=buffer)),
                 meta=dict(arr=np.arange(3, dtype=np.int64),
                           value=np.float64(0.25)))
    path = save_atomically(state, tmp_path / 'ckpt.pth')
    loaded = load_checkpoint_safely(path)
    assert loaded['message_hub']['log_scalars']['loss'].current() == 1.5
    assert loaded['meta']['arr'].tolist() == [0, 1, 2]


def test_crafted_pickle_is_refused_and_never_runs(tmp_path):
    marker = tmp_path / 'payload-ran'
    path = tmp_path / 'evil.pth'
    torch.save(dict(state_dict={}, extra=Payload(str(marker))), path)
    with pytest.raises(RuntimeError, match='refusing to load') as error:
        load_checkpoint_safely(path)
    assert not marker.exists()
    message = str(error.value)
    assert f'{os.mkdir.__module__}.mkdir, a type that is not allowed' in \
        message
    assert 'argparse.Namespace' in message and 'Re-save' not in message


#: Run in a fresh interpreter, where use_safe_checkpoints() never ran: the
#: converter reads a training checkpoint, UNIVConvMAE the UNIV release.
WITHOUT_PROCESS_SWITCH = """
import runpy, sys, torch
from mmengine.logging import HistoryBuffer
from mmengine.registry import DefaultScope
from univ_mm.registry import MODELS
assert HistoryBuffer not in torch.serialization.get_safe_globals()
training, release, out = sys.argv[1:]
sys.argv = ['to_mmpretrain_vit.py', training, out, '--prefix', 'teacher.']
runpy.run_path('tools/model_converters/to_mmpretrain_vit.py',
               run_name='__main__')
with DefaultScope.overwrite_default_scope('univ_mm'):
    MODELS.build(dict(type='UNIVConvMAE', arch='tiny', img_size=64,
                      init_cfg=dict(type='Pretrained', checkpoint=release))
                 ).init_weights()
assert HistoryBuffer not in torch.serialization.get_safe_globals()
print('read both')
"""


@pytest.mark.slow
def test_readers_allow_run_state_and_namespace_without_a_switch(tmp_path):
    buffer = HistoryBuffer()
    buffer.update(0.5)
    training = save_atomically(dict(
        state_dict=MODELS.build(tiny_univ()).state_dict(),
        message_hub=dict(log_scalars=dict(loss=buffer)), meta=dict(iter=2)),
        tmp_path / 'iter_2.pth')
    encoder = MODELS.build(dict(type='UNIVConvMAE', arch='tiny',
                                img_size=64)).state_dict()
    release = save_atomically(dict(
        student=encoder, epoch=400,
        args=argparse.Namespace(use_fp16=True, output_dir='out')),
        tmp_path / 'UNIV_checkpoint.pth')
    result = subprocess.run(
        [sys.executable, '-c', WITHOUT_PROCESS_SWITCH, str(training),
         str(release), str(tmp_path / 'teacher.pth')],
        capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-3000:]
    assert 'read both' in result.stdout
    assert load_checkpoint_safely(tmp_path / 'teacher.pth')['state_dict']


def test_mmengine_loading_paths_refuse_a_payload(tmp_path):
    marker = tmp_path / 'payload-ran'
    path = tmp_path / 'evil.pth'
    torch.save(dict(state_dict={}, extra=Payload(str(marker))), path)
    with pytest.raises(RuntimeError, match='refusing to load'):
        load_checkpoint(torch.nn.Linear(2, 2), str(path))
    backbone = MODELS.build(tiny_vit(
        init_cfg=dict(type='Pretrained', checkpoint=str(path))))
    with pytest.raises(RuntimeError, match='refusing to load'):
        backbone.init_weights()
    assert not marker.exists()


def test_missing_checkpoint_names_the_path(tmp_path):
    with pytest.raises(FileNotFoundError, match='nothing.pth'):
        load_checkpoint_safely(tmp_path / 'nothing.pth')


def test_failed_save_keeps_the_previous_file(tmp_path):
    path = save_atomically(dict(version=1), tmp_path / 'ckpt.pth')
    with pytest.raises(pickle.PicklingError):
        save_atomically(dict(version=2, bad=Unpicklable()), path)
    assert load_checkpoint_safely(path) == dict(version=1)
    assert [p.name for p in tmp_path.iterdir()] == ['ckpt.pth']


def test_config_text_in_meta_is_dropped_never_run(tmp_path):
    marker = tmp_path / 'config-ran'
    path = save_atomically(dict(state_dict=dict(w=torch.ones(1)), meta=dict(
        config=f"_x = __import__('os').mkdir({str(marker)!r})", iter=4)),
        tmp_path / 'ckpt.pth')
    loaded = CheckpointLoader.load_checkpoint(str(path))
    assert loaded['meta'] == dict(iter=4)
    assert not marker.exists()


@pytest.fixture
def serve(tmp_path, monkeypatch):
    """Make every download copy the file ``serve(path)`` names, offline."""
    monkeypatch.setattr(torch.hub, 'get_dir', lambda: str(tmp_path / 'hub'))
    served = {}

    def fetch(url, destination):
        shutil.copy(served['path'], destination)

    monkeypatch.setattr(torch.hub, 'download_url_to_file', fetch)
    return lambda path: served.update(path=path)


@pytest.mark.parametrize('url', ['https://example.org/evil.pth',
                                 'torchvision://evil'])
def test_url_payload_is_refused_and_never_runs(tmp_path, serve, monkeypatch,
                                               url):
    """MMEngine's http loader (behind torchvision://, open-mmlab://,
    mmcls:// too) would unpickle the payload: ours refuses it."""
    monkeypatch.setattr(mmengine_checkpoint, 'get_torchvision_models',
                        lambda: dict(evil='https://example.org/evil.pth'))
    marker = tmp_path / 'payload-ran'
    serve(tmp_path / 'evil.pth')
    torch.save(dict(state_dict={}, extra=Payload(str(marker))),
               tmp_path / 'evil.pth')
    with pytest.raises(RuntimeError,
                       match='https://example.org/evil.pth: refusing'):
        CheckpointLoader.load_checkpoint(url)
    assert not marker.exists()


def test_url_checkpoint_loads_weights_only_without_config_text(tmp_path,
                                                               serve):
    serve(save_atomically(dict(state_dict=dict(w=torch.ones(1)), meta=dict(
        config='x', iter=1)), tmp_path / 'ckpt.pth'))
    loaded = CheckpointLoader.load_checkpoint('https://example.org/c.pth')
    assert loaded['meta'] == dict(iter=1)
    assert (tmp_path / 'hub' / 'checkpoints' / 'c.pth').is_file()


def test_other_remote_loaders_drop_config_text():
    pavi = CheckpointLoader._get_checkpoint_loader('pavi://a.pth')
    assert pavi.__wrapped__.__name__ == 'load_from_pavi'
    served = _without_config_text(
        lambda filename, map_location: dict(meta=dict(config='x', iter=1)))
    assert served('pavi://a.pth', 'cpu') == dict(meta=dict(iter=1))


def test_empty_history_buffer_loads_weights_only(tmp_path):
    state = dict(message_hub=dict(log_scalars=dict(loss=HistoryBuffer())))
    path = save_atomically(state, tmp_path / 'ckpt.pth')
    loaded = load_checkpoint_safely(path)['message_hub']['log_scalars']
    assert len(loaded['loss'].data[0]) == 0


@pytest.mark.parametrize('content', [b'', b'PK\x03\x04 cut short'])
def test_damaged_checkpoint_is_reported_as_damaged(tmp_path, content):
    path = tmp_path / 'ckpt.pth'
    path.write_bytes(content)
    with pytest.raises(RuntimeError, match='ckpt.pth is damaged'):
        load_checkpoint_safely(path)


def test_truncated_checkpoint_is_reported_as_damaged(tmp_path):
    path = save_atomically(dict(w=torch.ones(100)), tmp_path / 'ckpt.pth')
    path.write_bytes(path.read_bytes()[:200])
    with pytest.raises(RuntimeError, match='is damaged'):
        load_checkpoint_safely(path)


def test_load_log_names_the_local_backend(tmp_path, capsys):
    path = save_atomically(dict(w=torch.ones(1)), tmp_path / 'ckpt.pth')
    CheckpointLoader.load_checkpoint(str(path), logger=None)
    logged = capsys.readouterr().out
    assert 'by local backend' in logged and 'point_safely' not in logged


def test_offline_download_says_to_fetch_elsewhere(tmp_path, monkeypatch):
    monkeypatch.setattr(torch.hub, 'get_dir', lambda: str(tmp_path / 'hub'))

    def offline(url, destination):
        raise URLError('[Errno -3] Temporary failure in name resolution')

    monkeypatch.setattr(torch.hub, 'download_url_to_file', offline)
    url = 'https://example.org/mae_vit-b.pth'
    with pytest.raises(ConnectionError) as err:
        CheckpointLoader.load_checkpoint(url)
    message = str(err.value)
    assert f'cannot download {url}' in message
    assert 'download it on a connected machine' in message
    assert 'init_cfg.checkpoint=PATH' in message
    assert str(tmp_path / 'hub' / 'checkpoints' / 'mae_vit-b.pth') in message
