"""What ``import univ_mm`` does, and what the configs' custom imports add.

Each check runs in a fresh interpreter: the test session itself has called
``use_safe_checkpoints`` (tests/conftest.py), as our tools do.
"""
import json
import subprocess
import sys

import pytest

from univ_mm.synthetic.world import generate_synthetic_mvip

#: Runs training or a tool end to end: see ``make test-fast``.
pytestmark = pytest.mark.slow

#: Prints, as JSON, the global state that use_safe_checkpoints changes.
GLOBAL_STATE = '''
import json, sys, torch
from mmengine.fileio import get_file_backend
from mmengine.logging import HistoryBuffer
from mmengine.runner import CheckpointLoader
print(json.dumps(dict(
    local_loader=CheckpointLoader._schemes[''].__module__,
    backend=type(get_file_backend('x.pth')).__name__,
    history_allowed=HistoryBuffer in torch.serialization.get_safe_globals(),
    modules=sorted(m for m in sys.modules if m.split('.')[0] in (
        'mmseg', 'univ_mm')))))
'''
PRETRAIN = 'configs/pretrain/univ_vit-t_synthetic-demo.py'
#: After use_safe_checkpoints: our loader; MMEngine's local writes and
#: torch's own allowlist untouched (each reader allows its exact types for
#: its call; the checkpoint hook writes with the atomic backend).
SAFE = dict(local_loader='univ_mm.checkpoint.safe_io',
            backend='LocalBackend', history_allowed=False)


def run_python(code: str) -> subprocess.CompletedProcess:
    result = subprocess.run([sys.executable, '-c', code], capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stderr[-3000:]
    return result


def state_after(setup: str) -> dict:
    return json.loads(run_python(setup + GLOBAL_STATE).stdout.splitlines()[-1])


def test_import_univ_mm_only_registers():
    state = state_after('import univ_mm\n')
    assert state['local_loader'] == 'mmengine.runner.checkpoint'
    assert state['backend'] == 'LocalBackend'
    assert not state['history_allowed']
    # the modules register on first use of their registry (its locations)
    for tool_only in ('univ_mm.models', 'mmseg',
                      'univ_mm.synthetic.world',
                      'univ_mm.preparation.mvip_builder',
                      'univ_mm.preparation.voc_coco',
                      'univ_mm.seg.datasets'):
        assert tool_only not in state['modules']


def test_a_registry_lookup_from_another_scope_imports_the_module():
    state = state_after('import univ_mm\n'
                        'from mmengine.registry import MODELS\n'
                        "assert MODELS.get('univ_mm.UNIVVisionTransformer')\n")
    assert 'univ_mm.models.backbones.univ_vit' in state['modules']


@pytest.mark.parametrize('config, registers', [
    ('configs/seg/upernet_univ-vit-b_4xb2-48k_msrs-ir-512x512.py',
     'univ_mm.seg.datasets.msrs'),
    ('configs/det/faster-rcnn_univ-vit-b-p16-sfp_1xb2-53k_flir-ir-1024.py',
     'univ_mm.det.checked_coco')])
def test_loading_a_config_imports_its_pieces_and_makes_checkpoints_safe(
        config, registers):
    state = state_after('from mmengine.config import Config\n'
                        f'Config.fromfile({config!r})\n')
    assert {key: state[key] for key in SAFE} == SAFE
    assert registers in state['modules']


def test_plain_runner_from_cfg_resumes(tmp_path):
    """MMEngine's own Runner.from_cfg trains, saves and resumes on
    torch >= 2.6 (weights-only loading of its HistoryBuffer log)."""
    generate_synthetic_mvip(tmp_path / 'data', num_pairs=8,
                            image_size=(32, 32))
    script = f'''
from mmengine.config import Config
from mmengine.runner import Runner
cfg = Config.fromfile({PRETRAIN!r})
cfg.work_dir = {str(tmp_path / 'work')!r}
cfg.train_dataloader.update(batch_size=2, num_workers=0,
                            persistent_workers=False)
cfg.train_dataloader.dataset.data_root = {str(tmp_path / 'data')!r}
cfg.train_dataloader.dataset.pipeline[1].scale = 32
for vit in (cfg.model.backbone, cfg.model.teacher):
    vit.update(arch=dict(embed_dims=32, num_layers=1, num_heads=2,
                         feedforward_channels=64), img_size=32)
cfg.val_dataloader = cfg.val_cfg = cfg.val_evaluator = None
cfg.train_cfg.max_iters = 1
cfg.default_hooks.checkpoint.interval = 1
Runner.from_cfg(cfg).train()
cfg.train_cfg.max_iters, cfg.resume = 2, True
Runner.from_cfg(cfg).train()
'''
    result = run_python(script)
    assert 'resumed epoch: 0, iter: 1' in result.stdout + result.stderr
    assert (tmp_path / 'work' / 'iter_2.pth').is_file()
