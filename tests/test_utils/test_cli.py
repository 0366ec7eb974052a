"""What tools/train.py makes of --amp/--no-amp, --resume and the hooks,
and the converters' command line."""
from pathlib import Path

import pytest
import torch
from mmengine.config import Config

from univ_mm.checkpoint.safe_io import save_atomically
from univ_mm.utils import cli
from univ_mm.utils.arguments import parse_converter_args
from univ_mm.utils.cli import (
    resume_checkpoint,
    set_amp,
    use_safe_checkpoint_hook,
)


def amp_config() -> Config:
    return Config(dict(optim_wrapper=dict(
        type='AmpOptimWrapper', loss_scale='dynamic', dtype='float16',
        optimizer=dict(type='AdamW', lr=1e-3))))


def test_no_amp_gives_a_plain_optim_wrapper():
    wrapper = set_amp(amp_config(), False).optim_wrapper
    assert wrapper == dict(type='OptimWrapper',
                           optimizer=dict(type='AdamW', lr=1e-3))


@pytest.fixture
def logged(monkeypatch):
    """What univ_mm.utils.cli logs."""
    lines = []
    monkeypatch.setattr(cli, 'print_log',
                        lambda msg, **kwargs: lines.append(msg))
    return lines


def test_amp_switches_on_and_none_keeps_the_config_on_a_gpu(monkeypatch,
                                                            logged):
    monkeypatch.setattr(torch.cuda, 'is_available', lambda: True)
    cfg = Config(dict(optim_wrapper=dict(type='OptimWrapper')))
    assert set_amp(cfg, True).optim_wrapper.type == 'AmpOptimWrapper'
    assert set_amp(amp_config(), None).optim_wrapper == \
        amp_config().optim_wrapper
    assert not logged


def test_without_a_gpu_the_config_amp_becomes_plain_and_is_logged(
        monkeypatch, logged):
    monkeypatch.setattr(torch.cuda, 'is_available', lambda: False)
    wrapper = set_amp(amp_config(), None).optim_wrapper
    assert wrapper == dict(type='OptimWrapper',
                           optimizer=dict(type='AdamW', lr=1e-3))
    assert len(logged) == 1 and 'no GPU' in logged[0]
    assert set_amp(amp_config(), True).optim_wrapper.type == \
        'AmpOptimWrapper'  # --amp still forces it


@pytest.mark.parametrize('plain, amp', [
    ('PerParameterClipOptimWrapper', 'PerParameterClipAmpOptimWrapper'),
    ('FusedClipOptimWrapper', 'FusedClipAmpOptimWrapper'),
    ('mmengine.OptimWrapper', 'mmengine.AmpOptimWrapper')])
def test_amp_on_and_off_keep_the_wrappers_clipping(monkeypatch, plain, amp):
    monkeypatch.setattr(torch.cuda, 'is_available', lambda: False)
    on = Config(dict(optim_wrapper=dict(type=plain)))
    assert set_amp(on, True).optim_wrapper.type == amp
    off = Config(dict(optim_wrapper=dict(type=amp, dtype='float16')))
    assert set_amp(off, None).optim_wrapper == dict(type=plain)


def test_amp_on_for_a_wrapper_of_another_family_is_mmengines():
    cfg = Config(dict(optim_wrapper=dict(type='MyWrapper')))
    assert set_amp(cfg, True).optim_wrapper.type == 'AmpOptimWrapper'


def test_checkpoint_hook_is_replaced_by_the_safe_one(logged):
    cfg = Config(dict(default_hooks=dict(checkpoint=dict(
        type='CheckpointHook', interval=1, max_keep_ckpts=1))))
    hook = use_safe_checkpoint_hook(cfg).default_hooks.checkpoint
    assert hook == dict(type='univ_mm.SafeCheckpointHook', interval=1,
                        max_keep_ckpts=1)
    assert 'using univ_mm.SafeCheckpointHook' in logged[0]


def test_a_config_naming_the_safe_hook_is_left_alone(logged):
    cfg = Config.fromfile('configs/pretrain/univ_vit-t_synthetic-demo.py')
    hook = use_safe_checkpoint_hook(cfg).default_hooks.checkpoint
    assert hook.type == 'univ_mm.SafeCheckpointHook'
    assert not logged


def training_checkpoint(path):
    return save_atomically(dict(meta=dict(iter=2), message_hub={},
                                state_dict=dict(w=torch.ones(1))), path)


def test_resume_of_a_work_dir_takes_its_newest_checkpoint(tmp_path):
    training_checkpoint(tmp_path / 'iter_2.pth')
    newest = training_checkpoint(tmp_path / 'iter_4.pth')
    assert resume_checkpoint(str(tmp_path), 'elsewhere') == newest
    assert resume_checkpoint('auto', tmp_path) == newest


def test_resume_without_checkpoint_but_a_record_is_an_error(tmp_path):
    assert resume_checkpoint('auto', tmp_path) is None  # a fresh work dir
    (tmp_path / 'last_checkpoint').write_text(str(tmp_path / 'iter_2.pth'))
    with pytest.raises(FileNotFoundError, match='no complete'):
        resume_checkpoint('auto', tmp_path)
    (tmp_path / 'iter_2.pth').write_bytes(b'cut')
    with pytest.raises(FileNotFoundError, match='no complete'):
        resume_checkpoint('auto', tmp_path)


def test_resume_follows_last_checkpoint_not_an_abandoned_run(tmp_path,
                                                             logged):
    """Resumed from iter_4 (a new lr), killed after iter_6: the old run's
    iter_8 is named, not continued."""
    for iteration in (2, 4, 6, 8):
        training_checkpoint(tmp_path / f'iter_{iteration}.pth')
    (tmp_path / 'last_checkpoint').write_text(str(tmp_path / 'iter_6.pth'))
    assert resume_checkpoint('auto', tmp_path) == tmp_path / 'iter_6.pth'
    assert 'last_checkpoint names it' in logged[0]
    assert 'holds iter_8.pth, numbered after iter_6.pth' in logged[1]
    assert resume_checkpoint(str(tmp_path / 'iter_2.pth'), tmp_path) == \
        tmp_path / 'iter_2.pth'
    assert 'holds iter_4.pth, iter_6.pth, iter_8.pth, numbered after' in \
        logged[-1]


def test_resume_without_a_usable_record_takes_the_newest(tmp_path, logged):
    training_checkpoint(tmp_path / 'iter_2.pth')
    newest = training_checkpoint(tmp_path / 'iter_4.pth')
    assert resume_checkpoint('auto', tmp_path) == newest
    assert 'no last_checkpoint record: resuming the newest' in logged[0]
    (tmp_path / 'iter_6.pth').write_bytes(b'cut')
    (tmp_path / 'last_checkpoint').write_text(str(tmp_path / 'iter_6.pth'))
    assert resume_checkpoint('auto', tmp_path) == newest
    assert 'iter_6.pth, which is missing or incomplete: resuming the ' \
        'newest complete checkpoint' in logged[-2]
    assert 'holds iter_6.pth, numbered after iter_4.pth' in logged[-1]


def test_resume_of_a_merged_backbone_says_what_it_is(tmp_path):
    path = save_atomically(dict(state_dict=dict(w=torch.ones(1)), meta={}),
                           tmp_path / 'univ_backbone_iter_2.pth')
    with pytest.raises(ValueError, match='not a training checkpoint'):
        resume_checkpoint(str(path), tmp_path)


def test_converter_command_line(tmp_path):
    """``[LEADING] DATASET_PATH [-o OUT_DIR]``; -o defaults to a template
    of the download folder; a missing download folder is named."""
    def add_source(parser):
        parser.add_argument('source', choices=['a', 'b'])

    template = '{dataset_path}/annotations_coco'
    args = parse_converter_args('Convert X.', template,
                                ['b', str(tmp_path)], add_source)
    assert (args.source, args.dataset_path) == ('b', tmp_path)
    assert args.out_dir == tmp_path / 'annotations_coco'
    args = parse_converter_args('Convert X.', 'data/x',
                                [str(tmp_path), '-o', 'out'])
    assert args.out_dir == Path('out')
    with pytest.raises(FileNotFoundError, match='nope'):
        parse_converter_args('Convert X.', 'data/x', [str(tmp_path / 'nope')])
