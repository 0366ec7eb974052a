"""The ConvMAE detection configs: build, twins, one training step."""
import math
from pathlib import Path

import pytest
import torch
from mmdet.registry import MODELS
from mmengine.config import Config
from mmengine.optim import build_optim_wrapper
from mmengine.registry import DefaultScope
from mmengine.runner import Runner
from test_train_eval import TINY_MODEL, data_name, shrink

CONFIGS = sorted(Path('configs/det').glob('*convmae*.py'))
#: The tiny ConvMAE and an FPN over its four maps.
TINY_CONVMAE = {**TINY_MODEL, 'model.backbone.arch': 'tiny',
                'model.neck.in_channels': [16, 24, 32, 32]}


def build(cfg: Config) -> torch.nn.Module:
    cfg.merge_from_dict(TINY_CONVMAE)
    with DefaultScope.overwrite_default_scope('mmdet'):
        return MODELS.build(cfg.model)


def test_univ_and_teacher_configs_for_every_vit_config():
    vit = {p.name.split('_', 2)[2] for p in Path('configs/det').glob(
        'faster-rcnn_univ-vit-b*.py')}
    assert {p.name for p in CONFIGS} == {
        f'faster-rcnn_{init}convmae-b-fpn_{rest}' for rest in vit
        for init in ('univ-', '')}


@pytest.mark.parametrize('path', CONFIGS, ids=lambda p: p.stem)
def test_config_builds_with_the_four_maps(path):
    cfg = Config.fromfile(path)
    release = 'UNIV_checkpoint' if '_univ-' in path.name else 'convmae_base'
    init = cfg.model.backbone.init_cfg
    assert release in init.checkpoint and 'prefix' not in init
    assert cfg.model.neck.in_channels == [256, 384, 768, 768]
    model = build(cfg)
    features = model.extract_feat(torch.randn(1, 3, 64, 64))
    assert [f.shape[-1] for f in features] == [16, 8, 4, 2, 1]


def test_one_training_step(converted, tmp_path):
    path = next(p for p in CONFIGS
                if '_univ-' in p.name and data_name(p) == 'flir-ir')
    cfg = shrink(path, converted['flir-ir'], tmp_path)
    model = build(cfg)
    model.init_weights()
    with DefaultScope.overwrite_default_scope('mmdet'):
        loader = Runner.build_dataloader(cfg.train_dataloader, seed=0)
        wrapper = build_optim_wrapper(model, cfg.optim_wrapper)
    before = {k: v.clone() for k, v in model.backbone.state_dict().items()}
    model.train()
    losses = model.train_step(next(iter(loader)), wrapper)
    assert math.isfinite(losses['loss'].item())
    moved = [k for k, v in model.backbone.state_dict().items()
             if v.is_floating_point() and not torch.equal(v, before[k])]
    assert 'blocks3.1.attn.qkv.weight' in moved and 'fpn.0.weight' in moved
