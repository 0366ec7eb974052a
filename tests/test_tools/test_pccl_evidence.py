"""tools/analysis/pccl_evidence.py: every stage runs, at smoke size."""
import json
from pathlib import Path

import pytest
import torch
from helpers import load_tool
from mmengine.config import Config

from univ_mm.utils import load_checkpoint_safely

STAGES = {'data', 'teacher', 'pairs', 'alignment before', 'pccl',
          'alignment after', 'seg', 'figures', 'total'}


@pytest.fixture(scope='module')
def evidence(tmp_path_factory):
    """Run the whole experiment once with the 'smoke' preset."""
    module = load_tool('analysis/pccl_evidence.py')
    out = tmp_path_factory.mktemp('evidence')
    result = module.main(['--preset', 'smoke', '--out-dir', str(out),
                          '--seed', '3', '--cfg-options',
                          'model.head.loss.threshold=0.5'])
    return out, result


def test_report_has_every_stage_number_and_seed(evidence):
    out, result = evidence
    saved = json.loads((out / 'evidence.json').read_text())
    assert saved == json.loads(json.dumps(result))
    assert set(saved['timings_s']) == STAGES
    assert saved['seeds'] == dict(data=[3, 4, 5], teacher_and_pccl=3,
                                  downstream=[3])
    for modality in ('ir', 'rgb'):
        for protocol in ('linear probe', 'fine-tune'):
            scores = saved['seg'][modality][protocol]
            assert set(scores) == {'teacher', 'univ'}
            assert all(len(v) == 1 and 0 <= v[0] <= 100
                       for v in scores.values())
    table = (out / 'evidence.md').read_text()
    for row in ('IR mIoU (%), linear probe', 'RGB mIoU (%), fine-tune',
                'IR->RGB patch top-1 (%)', '% retained',
                'overrides: model.head.loss.threshold=0.5',
                'Seeds: data [3, 4, 5]'):
        assert row in table
    assert [Path(f).name for f in saved['figures']] == [
        'pccl_pair.png', 'pccl_pseudo_pairs.png', 'pccl_pca.png']
    assert all(Path(f).is_file() for f in saved['figures'])


def test_pccl_runs_the_demo_config_from_the_teacher(evidence):
    out, result = evidence
    before = result['alignment']['before']
    # at initialisation the student is the teacher: RGB retrieves itself
    assert before['rgb_top1'] == 1
    assert before['rgb_cos_aligned'] == pytest.approx(1)
    assert before['rgb_class_top1'] == 1  # each patch finds itself
    assert 0 <= result['alignment']['after']['ir_top1'] <= 1
    assert 0 < before['ir_class_chance'] <= 1
    pairs = result['pairs']
    assert pairs['other_class_positives_per_row'] == pytest.approx(
        pairs['positives_per_row'] * (1 - pairs['precision']), abs=1e-4)
    assert 0 < pairs['negative_loss_share'] < 1
    log = result['pccl_log']
    assert log['first']['positives_per_row'] >= 0 and log['curve']
    cfg = Config.fromfile(out / 'pccl' / 'univ_vit-t_synthetic-demo.py')
    assert cfg.val_evaluator.type == 'PatchRetrievalMetric'
    assert cfg.model.head.loss.threshold == 0.5  # --cfg-options reach PCCL
    assert cfg.model.teacher.init_cfg.checkpoint == result['teacher'][
        'checkpoint']
    # the downstream UNIV weights are the hook's merged student export
    merged = load_checkpoint_safely(out / 'pccl' / 'univ_backbone.pth')
    hook = load_checkpoint_safely(out / 'pccl' / 'univ_backbone_iter_2.pth')
    assert merged['state_dict'].keys() == hook['state_dict'].keys()
    for key, value in hook['state_dict'].items():
        torch.testing.assert_close(merged['state_dict'][key], value)
