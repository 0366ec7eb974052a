"""Runtime settings of every pre-training config for multi-GPU runs."""
from pathlib import Path

import pytest
from mmengine.config import Config

PRETRAIN_CONFIGS = sorted(Path('configs/pretrain').glob('*.py'))


@pytest.mark.parametrize('path', PRETRAIN_CONFIGS, ids=lambda p: p.stem)
def test_distributed_timeout_full_batches_and_cudnn_autotuning(path):
    cfg = Config.fromfile(path)
    # rank 0's MVIP header check must not time the other ranks out
    # (seconds: MMEngine's init_dist makes the timedelta)
    timeout = cfg.env_cfg.dist_cfg.timeout
    assert isinstance(timeout, int) and timeout >= 3600
    assert cfg.train_dataloader.drop_last is True
    # fixed input size and no deterministic request: autotuning pays off
    assert cfg.env_cfg.cudnn_benchmark is True
    assert not cfg.randomness.get('deterministic', False)

