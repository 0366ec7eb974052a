"""A few CPU iterations of each config family, then evaluation; frozen
probes."""
from pathlib import Path

import pytest
import torch
from mmengine.config import Config
from mmengine.optim import build_optim_wrapper
from mmengine.registry import DefaultScope
from mmengine.runner import Runner
from mmseg.registry import MODELS

#: Runs training or a tool end to end: see ``make test-fast``.
pytestmark = pytest.mark.slow

SEG = Path('configs/seg')
PROBE = SEG / 'linear-probe_univ-vit-b_2xb4-14.4k_soda-512x512.py'
FINE_TUNE = SEG / 'upernet-llfpn_univ-vit-b_2xb4-14.4k_soda-512x512.py'
#: One config of each family: UNIP's LL-FPN fine-tune and linear probe, the
#: PAD-style fine-tune (on MFNet, which validates on val + test) and the
#: UNIV release's MSRS fine-tune.
CONFIGS = [FINE_TUNE, PROBE,
           SEG / 'upernet_univ-vit-b_2xb4-9.8k_mfnet-t-512x512.py',
           SEG / 'upernet_univ-vit-b_4xb2-48k_msrs-ir-512x512.py']


@pytest.mark.parametrize('path', CONFIGS, ids=lambda p: p.stem)
def test_trains_two_iterations_and_reports_miou(
        path, shrink_config, config_data_root, tiny_export, tmp_path):
    cfg = shrink_config(Config.fromfile(path),
                        config_data_root(path.name), tmp_path, tiny_export)
    runner = Runner.from_cfg(cfg)
    assert runner.seed == cfg.randomness.seed  # the protocol's seed
    runner.train()
    assert (tmp_path / 'iter_2.pth').is_file()
    metrics = runner.test()
    assert 0 <= metrics['mIoU'] <= 100 and 'aAcc' in metrics
    if cfg.val_dataloader.dataset.type == 'ConcatDataset':  # MFNet
        assert len(runner.val_dataloader.dataset) == 3  # val 1 + test 2
        assert 0 <= runner.val()['mIoU'] <= 100
    if cfg.model.neck is None:  # linear probe: the export, untouched
        exported = torch.load(tiny_export)['state_dict']
        for key, value in runner.model.backbone.state_dict().items():
            torch.testing.assert_close(value, exported[key], msg=key)


def one_step(path: Path, shrink_config, root: Path, work_dir: Path):
    """Build a shrunk model, take one optimiser step on a real batch;
    return the model and its weights before the step."""
    cfg = shrink_config(Config.fromfile(path), root, work_dir)
    with DefaultScope.overwrite_default_scope('mmseg'):
        model = MODELS.build(cfg.model)
        loader = Runner.build_dataloader(cfg.train_dataloader, seed=0)
    before = {k: v.clone() for k, v in model.state_dict().items()}
    wrapper = build_optim_wrapper(model, cfg.optim_wrapper)
    model.train()
    model.train_step(next(iter(loader)), wrapper)
    return model, before


def changed(model, before: dict, prefix: str) -> list[bool]:
    """Whether each float weight under ``prefix`` moved."""
    return [not torch.equal(value, before[key])
            for key, value in model.state_dict().items()
            if key.startswith(prefix) and value.is_floating_point()]


def test_fine_tuning_moves_backbone_probing_only_the_head(
        shrink_config, config_data_root, tmp_path):
    root = config_data_root(PROBE.name)
    tuned, before = one_step(FINE_TUNE, shrink_config, root, tmp_path)
    assert all(changed(tuned, before, 'backbone.layers.'))
    probe, before = one_step(PROBE, shrink_config, root, tmp_path)
    assert not any(changed(probe, before, 'backbone.'))
    assert all(changed(probe, before, 'decode_head.conv_seg.'))
    assert all(p.grad is None for p in probe.backbone.parameters())


def test_frozen_backbone_gives_train_mode_equal_to_eval_mode(
        shrink_config, tmp_path):
    cfg = shrink_config(Config.fromfile(PROBE), tmp_path, tmp_path)
    with DefaultScope.overwrite_default_scope('mmseg'):
        model = MODELS.build(cfg.model)
    image = torch.rand(2, 3, 64, 64)
    model.train()
    trained = model.backbone(image)
    model.eval()
    for a, b in zip(trained, model.backbone(image), strict=True):
        torch.testing.assert_close(a, b)


def test_frozen_backbone_stays_in_eval_mode(shrink_config, tmp_path):
    cfg = shrink_config(Config.fromfile(PROBE), tmp_path, tmp_path)
    with DefaultScope.overwrite_default_scope('mmseg'):
        model = MODELS.build(cfg.model)
    model.train()
    blocks = model.backbone.layers
    assert not any(m.training for block in blocks for m in block.modules())
