"""Every pre-training config loads and builds; the recipe is official."""
from pathlib import Path

import pytest
from mmengine.config import Config
from mmengine.registry import HOOKS, DefaultScope
from mmengine.runner import Runner

from univ_mm.engine.hooks import SafeCheckpointHook
from univ_mm.registry import MODELS, TRANSFORMS

PRETRAIN_CONFIGS = sorted(Path('configs/pretrain').glob('*.py'))
DOWNSTREAM_CONFIGS = sorted([*Path('configs/seg').glob('*.py'),
                             *Path('configs/det').glob('*.py')])
#: The custom import that makes MMEngine's checkpoints safe (every config).
SAFE_CHECKPOINTS = 'univ_mm.engine.safe_checkpoints'


@pytest.mark.parametrize('path', PRETRAIN_CONFIGS, ids=lambda p: p.name)
def test_config_loads_and_builds(path):
    cfg = Config.fromfile(path)
    assert cfg.default_scope == 'univ_mm'
    assert SAFE_CHECKPOINTS in cfg.custom_imports.imports
    model = MODELS.build(cfg.model)  # no init_weights: nothing downloads
    trainable = [n for n, p in model.named_parameters() if p.requires_grad]
    assert trainable and all(
        n.startswith('backbone.') and 'lora_' in n for n in trainable)
    for transform in cfg.train_dataloader.dataset.pipeline:
        TRANSFORMS.build(transform)


def test_vit_b_trains_about_1_4_percent_of_the_backbone():
    cfg = Config.fromfile('configs/pretrain/univ_vit-b_mvip.py')
    backbone = MODELS.build(cfg.model.backbone)
    lora = sum(p.numel() for p in backbone.parameters() if p.requires_grad)
    total = sum(p.numel() for p in backbone.parameters())
    assert lora == 12 * 8 * (3 * 768 + 768 + 2 * 768 + 768 + 2 * 3072 + 768)
    assert 0.013 < lora / (total - lora) < 0.015


def test_official_recipe():
    cfg = Config.fromfile('configs/pretrain/univ_vit-b_mvip.py')
    optim = cfg.optim_wrapper
    assert optim.type == 'FusedClipAmpOptimWrapper'
    assert optim.dtype == 'float16'
    assert optim.optimizer.lr == pytest.approx(1.5e-4)
    assert optim.optimizer.weight_decay == 0.05
    assert optim.clip_grad.max_norm == 3.0
    assert cfg.auto_scale_lr.base_batch_size == 8 * 32
    assert cfg.train_dataloader.batch_size == 32
    assert cfg.train_cfg.max_epochs == 400
    warmup, cosine, decay = cfg.param_scheduler
    assert (warmup.end, cosine.begin, cosine.eta_min) == (40, 40, 1e-6)
    assert decay.param_name == 'weight_decay' and decay.eta_min_ratio == 10
    assert cfg.randomness.seed == 7
    loss = cfg.model.head.loss
    assert (loss.threshold, loss.temperature) == (0.6, 0.04)
    lora = cfg.model.backbone.lora_cfg
    assert (lora.r, lora.lora_alpha, lora.lora_dropout) == (8, 32, 0.1)


def test_a_plain_runner_gets_the_safe_checkpoint_hook(tmp_path):
    """Without tools/train.py, MMEngine's own Runner.from_cfg."""
    cfg = Config.fromfile('configs/pretrain/univ_vit-t_synthetic-demo.py')
    cfg.work_dir = str(tmp_path)
    runner = Runner.from_cfg(cfg)
    assert [type(h) for h in runner.hooks
            if h.__class__.__name__.endswith('CheckpointHook')] == [
                SafeCheckpointHook]


@pytest.mark.parametrize('path', DOWNSTREAM_CONFIGS, ids=lambda p: p.name)
def test_downstream_configs_name_the_safe_checkpoint_hook(path):
    """What the runner builds in the config's scope (mmseg, mmdet), and
    the custom import of ``use_safe_checkpoints``."""
    cfg = Config.fromfile(path)
    assert SAFE_CHECKPOINTS in cfg.custom_imports.imports
    with DefaultScope.overwrite_default_scope(cfg.default_scope):
        hook = HOOKS.build(cfg.default_hooks.checkpoint)
    assert type(hook) is SafeCheckpointHook
