"""UNIV's validation step feeds PatchRetrievalMetric; configs validate on
held-out pairs."""
from pathlib import Path

import pytest
import torch
from helpers import tiny_univ
from mmengine.config import Config
from mmengine.evaluator import Evaluator

from univ_mm.datasets import MVIPDataset
from univ_mm.registry import DATASETS, MODELS
from univ_mm.synthetic.world import generate_synthetic_mvip

PRETRAIN_CONFIGS = sorted(Path('configs/pretrain').glob('*.py'))


def _batch(size: int = 3) -> dict:
    generator = torch.Generator().manual_seed(0)
    images = torch.randint(0, 256, (2, size, 3, 32, 32), generator=generator,
                           dtype=torch.uint8)
    return dict(inputs=dict(rgb=list(images[0]), ir=list(images[1])),
                data_samples=None)


def test_val_step_gives_tokens_and_the_untrained_student_matches_rgb():
    torch.manual_seed(0)
    model = MODELS.build(tiny_univ()).eval()
    model.init_weights()
    samples = model.val_step(_batch())
    assert len(samples) == 3
    for sample in samples:
        for key in ('teacher_tokens', 'rgb_tokens', 'ir_tokens'):
            assert sample.get(key).shape == (16, 32)
    evaluator = Evaluator(dict(type='PatchRetrievalMetric'))
    evaluator.process(samples)
    metrics = evaluator.evaluate(3)
    # LoRA starts at zero: the student's RGB tokens are the teacher's
    assert metrics['align/rgb_top1'] == 1
    assert metrics['align/rgb_cos_aligned'] == pytest.approx(1)
    assert metrics['align/ir_cos_aligned'] < 1
    assert model.test_step(_batch())[0].ir_tokens.shape == (16, 32)


@pytest.mark.parametrize('path', PRETRAIN_CONFIGS, ids=lambda p: p.name)
def test_every_pretrain_config_validates_alignment(path):
    cfg = Config.fromfile(path)
    assert cfg.val_evaluator.type == 'PatchRetrievalMetric'
    assert cfg.val_cfg.type == 'ValLoop' and cfg.train_cfg.val_interval > 0
    assert cfg.val_dataloader.sampler.shuffle is False


def test_demo_config_validates_on_held_out_pairs(tmp_path):
    generate_synthetic_mvip(tmp_path, num_pairs=16, image_size=(32, 40))
    cfg = Config.fromfile('configs/pretrain/univ_vit-t_synthetic-demo.py')
    pairs = {}
    for split in ('train', 'val'):
        dataset_cfg = cfg[f'{split}_dataloader'].dataset
        dataset_cfg.data_root = str(tmp_path)
        dataset = DATASETS.build(dataset_cfg)
        pairs[split] = {dataset.get_data_info(i)['rgb_path']
                        for i in range(len(dataset))}
    assert len(pairs['train']) == 14 and len(pairs['val']) == 2
    assert not pairs['train'] & pairs['val']
    packed = dataset[0]  # the val pipeline: the whole image, resized
    assert packed['inputs']['rgb'].shape == (3, 112, 112)
    assert packed['data_samples'].crop_bbox == (0, 0, 40, 32)


def test_mvip_configs_validate_on_pairs_held_out_of_training(tmp_path):
    sources = MVIPDataset.OFFICIAL_SOURCES
    generate_synthetic_mvip(tmp_path, num_pairs=3 * len(sources),
                            image_size=(16, 16), sources=sources)
    cfg = Config.fromfile('configs/pretrain/univ_vit-b_mvip.py')
    pairs = {}
    for split in ('train', 'val'):
        dataset_cfg = cfg[f'{split}_dataloader'].dataset
        assert dataset_cfg.hold_out == 64  # per source, 320 in all
        dataset = DATASETS.build(dict(dataset_cfg, data_root=str(tmp_path),
                                      hold_out=1))
        pairs[split] = {dataset.get_data_info(i)['rgb_path']
                        for i in range(len(dataset))}
    assert len(pairs['train']) == 10 and len(pairs['val']) == 5
    assert not pairs['train'] & pairs['val']
