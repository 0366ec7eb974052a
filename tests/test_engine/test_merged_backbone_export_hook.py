"""MergedBackboneExportHook: merged exports at every save, pruned with the
checkpoints."""
import logging
from pathlib import Path
from types import SimpleNamespace

import pytest
import torch
from helpers import TINY_ARCH, tiny_univ, train_lora_by_hand
from mmengine.config import Config
from mmengine.hooks import CheckpointHook
from mmengine.logging import MessageHub
from mmengine.runner import load_checkpoint
from mmpretrain.models import VisionTransformer

from univ_mm.checkpoint.safe_io import load_checkpoint_safely
from univ_mm.engine.hooks import MergedBackboneExportHook, SafeCheckpointHook
from univ_mm.engine.hooks.merged_backbone_export_hook import (
    _remember_best_exports,
)
from univ_mm.registry import MODELS


def fake_runner(tmp_path):
    """The parts of a runner the hook reads; the model built from a config,
    as the runner builds it (a custom ``arch`` is a ``ConfigDict``)."""
    torch.manual_seed(0)
    model = MODELS.build(Config(dict(model=tiny_univ())).model)
    model.init_weights()
    return SimpleNamespace(
        model=model, work_dir=str(tmp_path), iter=0,
        logger=logging.getLogger('test'), hooks=[],
        message_hub=MessageHub('fake'))


def test_save_writes_a_merged_plain_backbone(tmp_path):
    runner = fake_runner(tmp_path)
    train_lora_by_hand(runner.model.backbone)
    checkpoint = dict(meta=dict(iter=7, epoch=0))
    MergedBackboneExportHook().before_save_checkpoint(runner, checkpoint)
    path = tmp_path / 'univ_backbone_iter_7.pth'
    # the project's weights-only loader reads it: builtins in meta only
    assert load_checkpoint_safely(path)['meta'] == dict(
        iter=7, epoch=0, arch=TINY_ARCH)
    plain = VisionTransformer(arch=TINY_ARCH, img_size=32, patch_size=8,
                              out_type='featmap')
    plain.eval()
    load_checkpoint(plain, str(path), strict=True)
    student = runner.model.backbone
    student.eval()
    images = torch.randn(2, 3, 32, 32)
    assert (plain(images)[0] - student(images)[0]).abs().max() < 1e-4


def test_exports_follow_the_keep_count_and_keep_the_best(tmp_path):
    hub = MessageHub('exports')
    runner = SimpleNamespace(work_dir=str(tmp_path), message_hub=hub, hooks=[
        CheckpointHook(interval=1, max_keep_ckpts=1, save_best='auto')])
    hook = MergedBackboneExportHook()
    for iteration in (2, 4, 6, 8):
        runner.iter = iteration
        if iteration == 4:  # MMEngine records a new best before saving it
            hub.update_info('best_ckpt', str(tmp_path / 'best_iter_4.pth'))
        (tmp_path / f'univ_backbone_iter_{iteration}.pth').touch()
        _remember_best_exports(runner, iteration)
        hook._prune_exports(runner)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        'univ_backbone_iter_4.pth', 'univ_backbone_iter_8.pth']


def test_exports_of_an_abandoned_run_are_not_counted(tmp_path):
    """Resumed at iter 8 after a run that went on to 12: the new run's
    export of iter 10 is kept, the abandoned iter 12 is left alone."""
    runner = SimpleNamespace(
        work_dir=str(tmp_path), message_hub=MessageHub('abandoned'),
        iter=10, hooks=[CheckpointHook(interval=2, max_keep_ckpts=1)])
    for iteration in (8, 10, 12):
        (tmp_path / f'univ_backbone_iter_{iteration}.pth').touch()
    MergedBackboneExportHook()._prune_exports(runner)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        'univ_backbone_iter_10.pth', 'univ_backbone_iter_12.pth']


class SavingRunner(SimpleNamespace):
    """A fake runner whose save calls the export hook, then notes what is on
    disk (what a kill during the write would leave), then writes."""

    def save_checkpoint(self, out_dir, filename, *args, meta, **kwargs):
        step = int(filename.split('_')[1].split('.')[0])
        self.hooks[1].before_save_checkpoint(
            self, dict(meta=dict(iter=step, epoch=0)))
        self.during_saves.append(sorted(p.name for p in Path(
            out_dir).iterdir() if p.suffix == '.pth'))
        (Path(out_dir) / filename).write_bytes(b'checkpoint')


@pytest.mark.parametrize('keep', [1, 2, 3])
def test_nothing_is_pruned_before_the_new_checkpoint_is_saved(tmp_path,
                                                             keep):
    runner = SavingRunner(**vars(fake_runner(tmp_path)), during_saves=[])
    runner.hooks = [SafeCheckpointHook(by_epoch=False, max_keep_ckpts=keep),
                    MergedBackboneExportHook()]
    runner.hooks[0].before_train(runner)
    for step in range(1, 6):
        runner.iter = step - 1  # the iterations done, as the runner counts
        runner.hooks[1].before_train_iter(runner, step - 1)
        runner.hooks[0]._save_checkpoint_with_step(runner, step, meta={})
    runner.iter = 5
    runner.hooks[1].after_train(runner)

    def saved(steps):
        return sorted([f'iter_{s}.pth' for s in steps] +
                      [f'univ_backbone_iter_{s}.pth' for s in steps])

    for step, on_disk in enumerate(runner.during_saves, start=1):
        kept = range(max(1, step - keep), step)
        new_export = f'univ_backbone_iter_{step}.pth'
        assert on_disk == sorted([*saved(kept), new_export]), step
    assert sorted(p.name for p in tmp_path.iterdir()
                  if p.suffix == '.pth') == saved(range(6 - keep, 6))
