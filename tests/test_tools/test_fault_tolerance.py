"""Faults injected into real tools/train.py runs: kills, resume, 2 ranks."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from univ_mm.checkpoint import latest_checkpoint, load_checkpoint_safely
from univ_mm.synthetic.world import generate_synthetic_mvip
from univ_mm.utils.scalars import read_scalar_log, scalar_logs

#: Runs training or a tool end to end: see ``make test-fast``.
pytestmark = pytest.mark.slow

CONFIG = 'configs/pretrain/univ_vit-t_synthetic-demo.py'
TESTS_DIR = Path(__file__).resolve().parents[1]


def shrunk(data_root: Path, max_iters: int, batch: int = 4) -> list[str]:
    """--cfg-options that shrink the demo config to seconds."""
    return [
        f'train_dataloader.dataset.data_root={data_root}',
        f'val_dataloader.dataset.data_root={data_root}',
        f'train_dataloader.batch_size={batch}',
        'train_dataloader.num_workers=1',
        'train_dataloader.persistent_workers=False',
        'train_dataloader.dataset.pipeline.1.scale=32',
        'model.backbone.img_size=32', 'model.teacher.img_size=32',
        f'train_cfg.max_iters={max_iters}',
        'default_hooks.checkpoint.interval=2',
        'default_hooks.checkpoint.max_keep_ckpts=-1',
        'default_hooks.logger.interval=1',
    ]


def derived_config(folder: Path, body: str) -> Path:
    """A config file inheriting the demo config, plus ``body``."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / 'derived.py'
    path.write_text(f'_base_ = {str(Path(CONFIG).resolve())!r}\n{body}\n')
    return path


def config_with_hooks(folder: Path, *hooks: str) -> Path:
    """The demo config with fault-injection ``hooks`` added."""
    return derived_config(
        folder, "custom_imports = dict(imports=['univ_mm', "
        "'fault_injection'])\n"
        f'custom_hooks = _base_.custom_hooks + [{", ".join(hooks)}]')


#: One deterministic SGD step: no dropout, no random crop/flip, no shuffle.
EXACT_STEP = """
model = dict(backbone=dict(lora_cfg=dict(lora_dropout=0.0)))
train_dataloader = dict(
    sampler=dict(shuffle=False),
    dataset=dict(pipeline=[
        dict(type='LoadPairedImages'),
        dict(type='PairedRandomResizedCrop', scale=32,
             side_range=(1.0, 1.0)),
        dict(type='PackPairedInputs'),
    ]))
optim_wrapper = dict(
    optimizer=dict(_delete_=True, type='SGD', lr=1.0, weight_decay=0.0),
    clip_grad=None)
param_scheduler = []
default_hooks = dict(checkpoint=dict(interval=1))
"""


def run(command: list[str], expect_kill: bool = False):
    paths = [str(TESTS_DIR), os.environ.get('PYTHONPATH', '')]
    env = {**os.environ, 'PYTHONPATH': os.pathsep.join(filter(None, paths))}
    result = subprocess.run(command, capture_output=True, text=True, env=env)
    expected = -9 if expect_kill else 0
    assert result.returncode == expected, result.stderr[-3000:]
    return result


def train(work_dir: Path, options: list[str], *extra: str,
          config: Path | str = CONFIG, expect_kill: bool = False):
    return run([sys.executable, 'tools/train.py', str(config), '--work-dir',
                str(work_dir), *extra, '--cfg-options', *options],
               expect_kill=expect_kill)


@pytest.fixture(scope='module')
def data_root(tmp_path_factory):
    root = tmp_path_factory.mktemp('pairs')
    generate_synthetic_mvip(root, num_pairs=24, image_size=(40, 48))
    return root


def lora(path: Path) -> dict[str, torch.Tensor]:
    state = load_checkpoint_safely(path)['state_dict']
    return {k: v for k, v in state.items() if 'lora_' in k}


def batches(path: Path) -> dict[int, list[str]]:
    """Iteration -> pair names; a later record of an iteration wins."""
    lines = path.read_text().splitlines()
    return dict(map(json.loads, lines))


def test_kill_while_saving_keeps_the_previous_checkpoint_and_resume_replays(
        tmp_path, data_root):
    """Even the only kept one: MMEngine's hook deletes it before saving the
    next one; ours deletes it after, and prunes merged exports alike. The
    resumed run then replays a straight run bitwise (batches and LoRA)."""
    straight, work = tmp_path / 'straight', tmp_path / 'work'
    options = [*shrunk(data_root, 4),
               'default_hooks.checkpoint.max_keep_ckpts=1']
    record = 'dict(type="RecordBatchesHook", path="{}")'
    train(straight, options, config=config_with_hooks(
        tmp_path / 'a', record.format(straight / 'batches.jsonl')))
    log = tmp_path / 'resumed_batches.jsonl'
    faulty = config_with_hooks(
        tmp_path / 'b', record.format(log), 'dict(type="KillWhileSavingHook", '
        'name="iter_4.pth")')
    train(work, options, config=faulty, expect_kill=True)
    assert not (work / 'iter_4.pth').exists()
    assert (work / 'last_checkpoint').read_text().endswith('iter_2.pth')
    assert latest_checkpoint(work) == work / 'iter_2.pth'
    assert lora(work / 'iter_2.pth')
    assert (work / 'univ_backbone_iter_2.pth').is_file()
    result = train(work, options, '--resume', config=config_with_hooks(
        tmp_path / 'c', record.format(log)))
    assert 'iter_2.pth' in result.stdout
    left = sorted(p.name for p in work.iterdir() if p.is_file() and
                  p.suffix in ('.pth', '.tmp'))
    assert left == ['iter_4.pth', 'univ_backbone_iter_4.pth']
    assert batches(straight / 'batches.jsonl') == batches(log)
    expected, actual = lora(straight / 'iter_4.pth'), lora(work / 'iter_4.pth')
    assert expected.keys() == actual.keys()
    for key, value in expected.items():
        assert torch.equal(value, actual[key]), key


def test_two_gloo_processes_match_one_process(tmp_path, data_root):
    config = derived_config(tmp_path / 'cfg', EXACT_STEP)
    single, double = tmp_path / 'single', tmp_path / 'double'
    train(single, shrunk(data_root, 1, batch=4), config=config)
    run(['env', f'PYTHON={sys.executable}',
         f'PORT={29500 + os.getpid() % 1000}', 'bash', 'tools/dist_train.sh',
         str(config), '2', '--work-dir', str(double), '--cfg-options',
         *shrunk(data_root, 1, batch=2)])
    # SGD with lr 1: the step is minus the gradient, so equal weights after
    # one step from the same start mean equal (all-reduced) gradients.
    expected, actual = lora(single / 'iter_1.pth'), lora(
        double / 'iter_1.pth')
    for key, value in expected.items():
        torch.testing.assert_close(actual[key], value, rtol=1e-4, atol=1e-6)
    assert logged_loss(double) == pytest.approx(logged_loss(single),
                                                rel=1e-5)


def logged_loss(work_dir: Path) -> float:
    return read_scalar_log(scalar_logs(work_dir)[0])[0]['loss']
