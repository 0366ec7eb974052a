"""tools/train.py on synthetic pairs: checkpoints, merged export, resume."""
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from mmengine.logging import HistoryBuffer
from mmengine.runner import load_checkpoint
from mmpretrain.models import VisionTransformer

from univ_mm.checkpoint.safe_io import load_checkpoint_safely, save_atomically
from univ_mm.synthetic.world import generate_synthetic_mvip
from univ_mm.utils.export import export_backbone

#: Runs training or a tool end to end: see ``make test-fast``.
pytestmark = pytest.mark.slow

CONFIG = 'configs/pretrain/univ_vit-t_synthetic-demo.py'
SIZE = 64


def train(work_dir: Path, data_root: Path, max_iters: int, *extra: str,
          returncode: int = 0):
    """Run tools/train.py on the demo config, shrunk by --cfg-options
    (``extra`` options after them)."""
    options = [
        f'train_dataloader.dataset.data_root={data_root}',
        f'val_dataloader.dataset.data_root={data_root}',
        'train_dataloader.batch_size=4', 'train_dataloader.num_workers=0',
        'train_dataloader.persistent_workers=False',
        f'train_dataloader.dataset.pipeline.1.scale={SIZE}',
        f'model.backbone.img_size={SIZE}', f'model.teacher.img_size={SIZE}',
        f'train_cfg.max_iters={max_iters}', 'default_hooks.logger.interval=1',
        'default_hooks.checkpoint.interval=2',
        'default_hooks.checkpoint.max_keep_ckpts=-1',
    ]
    command = [sys.executable, 'tools/train.py', CONFIG, '--work-dir',
               str(work_dir), '--cfg-options', *options, *extra]
    result = subprocess.run(command, capture_output=True, text=True)
    assert result.returncode == returncode, result.stderr[-3000:]
    return result


@pytest.fixture(scope='module')
def trained(tmp_path_factory):
    """Train 4 iterations once; the tests below read what it wrote."""
    root = tmp_path_factory.mktemp('run')
    generate_synthetic_mvip(root / 'data', num_pairs=16,
                            image_size=(48, 64))
    train(root / 'work', root / 'data', 4)
    return root


def plain_tiny() -> VisionTransformer:
    model = VisionTransformer(arch='deit-tiny', img_size=SIZE,
                              out_type='featmap')
    model.eval()
    return model


def test_checkpoints_and_merged_backbones_are_written(trained):
    work = trained / 'work'
    for name in ('iter_2.pth', 'iter_4.pth', 'univ_backbone_iter_2.pth',
                 'univ_backbone_iter_4.pth'):
        assert (work / name).is_file(), name
    plain = plain_tiny()
    load_checkpoint(plain, str(work / 'univ_backbone_iter_4.pth'),
                    strict=True)


def test_merged_backbone_equals_the_trained_student(trained):
    work = trained / 'work'
    export = trained / 'exported.pth'
    export_backbone(work / 'iter_4.pth', export)
    written = load_checkpoint_safely(work / 'univ_backbone_iter_4.pth')
    exported = load_checkpoint_safely(export)
    assert written['state_dict'].keys() == exported['state_dict'].keys()
    for key, value in written['state_dict'].items():
        torch.testing.assert_close(exported['state_dict'][key], value)
    trained_lora = load_checkpoint_safely(work / 'iter_4.pth')['state_dict']
    lora_b = [v for k, v in trained_lora.items() if 'lora_B' in k]
    assert any(v.abs().sum() > 0 for v in lora_b)  # the student did train


def test_resume_of_another_model_is_refused_before_training(trained):
    """A ViT-T run resumed with arch=deit-s: one error naming the first
    weights that differ, not a warning per weight and a failure in Adam."""
    work = trained / 'other_arch'
    result = train(work, trained / 'data', 6, 'model.backbone.arch=deit-s',
                   'model.teacher.arch=deit-s', '--resume',
                   str(trained / 'work' / 'iter_4.pth'), returncode=1)
    assert 'was saved by another model than the config builds' in \
        result.stderr
    assert 'checkpoint (1, 1, 192), model (1, 1, 384)' in result.stderr
    assert 'size mismatch' not in result.stdout + result.stderr
    assert not list(work.glob('*.pth'))


def test_export_tool_cli(trained):
    out = trained / 'cli_export.pth'
    subprocess.run([sys.executable, 'tools/export_backbone.py',
                    str(trained / 'work' / 'iter_2.pth'), str(out)],
                   check=True, capture_output=True)
    load_checkpoint(plain_tiny(), str(out), strict=True)


def test_resume_continues_from_the_last_checkpoint_and_runs_no_config_text(
        trained):
    """--resume finds the work dir's last checkpoint; a crafted
    ``meta['config']`` in it (MMEngine's resume would execute it) stays
    inert, and an empty HistoryBuffer loads weights-only."""
    marker = trained / 'config-ran'
    checkpoint = load_checkpoint_safely(trained / 'work' / 'iter_4.pth')
    checkpoint['meta']['config'] = (
        f"_x = __import__('os').mkdir({str(marker)!r})")
    checkpoint['message_hub']['log_scalars']['unused'] = \
        HistoryBuffer()
    work = trained / 'crafted'
    save_atomically(checkpoint, work / 'iter_4.pth')
    result = train(work, trained / 'data', 6, '--resume')
    assert 'resumed' in (result.stdout + result.stderr).lower()
    assert not marker.exists()
    assert (work / 'iter_6.pth').is_file()


def test_readme_pretraining_command_runs_on_cpu_with_no_amp(trained):
    """``python tools/train.py configs/pretrain/univ_vit-b_mvip.py`` on a
    CPU: --no-amp replaces the config's AmpOptimWrapper (shrunk: a tiny
    arch, random teacher, one iteration, no validation)."""
    work = trained / 'mvip_cpu'
    command = [
        sys.executable, 'tools/train.py',
        'configs/pretrain/univ_vit-b_mvip.py', '--no-amp', '--work-dir',
        str(work), '--cfg-options',
        f'train_dataloader.dataset.data_root={trained / "data"}',
        'train_dataloader.dataset.sources=[SYNTH_DAY,SYNTH_NIGHT]',
        'train_dataloader.dataset.hold_out=0', 'val_dataloader=None',
        'val_cfg=None', 'val_evaluator=None', 'model.backbone.arch=deit-t',
        'model.teacher.arch=deit-t', f'model.backbone.img_size={SIZE}',
        f'model.teacher.img_size={SIZE}', 'model.teacher.init_cfg=None',
        f'train_dataloader.dataset.pipeline.1.scale={SIZE}',
        'train_dataloader.batch_size=2', 'train_dataloader.num_workers=0',
        'train_dataloader.persistent_workers=False',
        'train_cfg.max_epochs=1', 'train_cfg.val_interval=2',
        'default_hooks.logger.interval=1']
    result = subprocess.run(command, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-3000:]
    log = result.stdout + result.stderr
    assert 'is skipped since its requires_grad' not in log
    assert 'frozen weights; student: ' in log  # UNIV.init_weights' summary
