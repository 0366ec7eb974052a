"""projects/pccl_evidence: every stage runs, at smoke size, for a
supervised ViT and a ConvMAE teacher on two workers, with the numbers of a
teacher run alone on one; every teacher kind builds and fills its PCCL
teacher."""
import json
import os
import subprocess
import sys
from pathlib import Path

import cv2
import pytest
import torch
from mmengine.config import Config
from mmengine.registry import DefaultScope
from pccl_evidence import experiment, settings
from pccl_evidence.arguments import parse_args
from pccl_evidence.tables import compare_runs

from univ_mm.checkpoint import load_checkpoint_safely
from univ_mm.registry import MODELS

#: Runs training or a tool end to end: see ``make test-fast``.
pytestmark = pytest.mark.slow

TEACHER_STAGES = ('teacher', 'pairs', 'alignment before', 'pccl',
                  'alignment after', 'seg', 'figures')
RUN = ('supervised', 'convmae')
RUN_PY = Path(__file__).parents[2] / 'projects' / 'pccl_evidence' / 'run.py'
#: The smoke run's options but its output folder, teachers and workers.
SMOKE = ['--preset', 'smoke', '--seed', '3', '--cfg-options',
         'model.head.loss.threshold=0.5']


def run(argv: list[str]) -> dict:
    """``run.py ARGV`` in a process of its own, as users run it (its
    workers fork; this process may have started autograd's threads, which
    a fork cannot carry), and the evidence.json it writes."""
    subprocess.run([sys.executable, str(RUN_PY), *argv], check=True,
                   capture_output=True)
    out = Path(parse_args(argv).out_dir)
    return json.loads((out / 'evidence.json').read_text())


@pytest.fixture(scope='module')
def evidence(tmp_path_factory):
    """Run the whole experiment once with the 'smoke' preset."""
    out = tmp_path_factory.mktemp('evidence')
    result = run([*SMOKE, '--out-dir', str(out), '--teachers', *RUN,
                  '--workers', '2'])
    return out, result


def build(cfg: Config):
    with DefaultScope.overwrite_default_scope(cfg.default_scope):
        return MODELS.build(cfg.model)


@pytest.mark.parametrize('teacher', ['supervised', 'mae', 'convmae'])
def test_each_teacher_builds_and_fills_its_pccl_teacher(teacher):
    preset, spec = settings.PRESETS['smoke'], settings.TEACHERS[teacher]
    backbone = settings.BACKBONES[spec['backbone']]
    kind, name = ('seg', backbone['seg']) if spec['pretrain'] is None else (
        'pretrain', spec['pretrain'])
    trained = build(experiment.load_config(preset, spec['backbone'], kind,
                                           name))
    pccl = experiment.load_config(preset, spec['backbone'], 'pccl',
                                  backbone['pccl'])
    pccl.model.teacher.init_cfg = None
    univ = build(pccl)
    source, target = (trained.backbone.state_dict(),
                      univ.teacher.state_dict())
    # the teacher stage's backbone holds every weight of the PCCL teacher
    assert set(target) <= set(source)
    assert all(source[k].shape == v.shape for k, v in target.items()
               if k != 'pos_embed')
    assert univ.teacher.token_stride == backbone['stride']


def test_one_teacher_checkpoint_needs_one_teacher():
    with pytest.raises(SystemExit):
        parse_args(['--teacher', 'iter_800.pth'])


def test_workers_default_to_the_usable_cores():
    assert parse_args([]).workers == len(os.sched_getaffinity(0))
    with pytest.raises(SystemExit):
        parse_args(['--workers', '0'])


def test_report_has_every_stage_number_and_seed(evidence):
    out, result = evidence
    saved = json.loads((out / 'evidence.json').read_text())
    assert set(saved['timings_s']) == {'data', 'teacher figure', 'total'} | {
        f'{t} {s}' for t in RUN for s in TEACHER_STAGES}
    assert saved['seeds'] == dict(data=[3, 4, 5], teacher_and_pccl=3,
                                  downstream=[3])
    assert list(saved['teachers']) == list(RUN)
    for teacher in saved['teachers'].values():
        for modality in ('ir', 'rgb'):
            for protocol in ('linear probe', 'fine-tune'):
                scores = teacher['seg'][modality][protocol]
                assert set(scores) == {'teacher', 'univ'}
                assert all(len(v) == 1 and 0 <= v[0] <= 100
                           for v in scores.values())
        assert [Path(f).name for f in teacher['figures']] == [
            'pccl_pair.png', 'pccl_pseudo_pairs.png', 'pccl_pca.png']
        assert all(Path(f).is_file() for f in teacher['figures'])
    table = (out / 'evidence.md').read_text()
    for row in ('### Teacher: supervised', '### Teacher: convmae',
                '| supervised | ', '| convmae | ', 'teacher training',
                'IR mIoU (%), linear probe', 'RGB mIoU (%), fine-tune',
                'IR->RGB patch top-1 (%)', '% retained',
                'overrides: model.head.loss.threshold=0.5',
                'Seeds: data [3, 4, 5]'):
        assert row in table
    # one row of pseudo pairs per teacher, the same size each
    figure = cv2.imread(saved['figure'])
    rows = cv2.imread(saved['teachers']['supervised']['figures'][1])
    assert figure.shape == (2 * rows.shape[0] + 4, *rows.shape[1:])


def test_a_teacher_alone_on_one_worker_gets_the_same_numbers(
        evidence, tmp_path):
    """Exact on purpose: both runs are one-thread worker processes of this
    test on this machine, so they run the same kernels; what is compared
    is that the scheduling of jobs over workers changes no number."""
    out, result = evidence
    alone = run([*SMOKE, '--out-dir', str(tmp_path), '--teachers',
                       'supervised', '--workers', '1'])

    def numbers(run: dict, root: Path) -> dict:
        return json.loads(json.dumps(run['teachers']['supervised']).replace(
            str(root), 'OUT'))

    assert alone['workers'] == 1 and result['workers'] == 2
    assert numbers(alone, tmp_path) == numbers(result, out)


def test_mae_teacher_is_pretrained_then_loaded(evidence):
    out, result = evidence
    convmae = result['teachers']['convmae']
    loss = convmae['teacher']['mae_loss']
    assert loss['first'] > 0 and loss['last'] > 0
    trained = load_checkpoint_safely(convmae['teacher']['checkpoint'])
    cfg = Config.fromfile(out / 'convmae' / 'pccl' /
                          'pccl_convmae_synthetic.py')
    assert cfg.model.teacher.type == 'UNIVConvMAE'
    assert cfg.model.teacher.init_cfg.checkpoint == convmae['teacher'][
        'checkpoint']
    # the PCCL checkpoint's teacher is the pre-trained ConvMAE backbone
    univ = load_checkpoint_safely(convmae['last'])['state_dict']
    for key, value in trained['state_dict'].items():
        if key.startswith('backbone.blocks3.'):
            torch.testing.assert_close(
                univ['teacher.' + key[len('backbone.'):]], value)


def test_pccl_runs_its_config_from_the_teacher(evidence):
    out, result = evidence
    supervised = result['teachers']['supervised']
    before = supervised['alignment']['before']
    # at initialisation the student is the teacher: RGB retrieves itself
    assert before['rgb_top1'] == 1
    assert before['rgb_cos_aligned'] == pytest.approx(1)
    assert before['rgb_class_top1'] == 1  # each patch finds itself
    assert 0 <= supervised['alignment']['after']['ir_top1'] <= 1
    assert 0 < before['ir_class_chance'] <= 1
    pairs = supervised['pairs']
    assert pairs['other_class_positives_per_row'] == pytest.approx(
        pairs['positives_per_row'] * (1 - pairs['precision']), abs=1e-4)
    assert 0 < pairs['negative_loss_share'] < 1
    log = supervised['pccl_log']
    assert log['first']['positives_per_row'] >= 0 and log['curve']
    cfg = Config.fromfile(out / 'supervised' / 'pccl' /
                          'pccl_vit-t_synthetic.py')
    assert cfg.val_evaluator.type == 'PatchRetrievalMetric'
    assert cfg.model.head.loss.threshold == 0.5  # --cfg-options reach PCCL
    assert cfg.model.teacher.init_cfg.checkpoint == supervised['teacher'][
        'checkpoint']
    # the downstream UNIV weights are the hook's merged student export
    merged = load_checkpoint_safely(out / 'supervised' / 'pccl' /
                                    'univ_backbone.pth')
    hook = load_checkpoint_safely(out / 'supervised' / 'pccl' /
                                  'univ_backbone_iter_2.pth')
    assert merged['state_dict'].keys() == hook['state_dict'].keys()
    for key, value in hook['state_dict'].items():
        torch.testing.assert_close(merged['state_dict'][key], value)


def test_compare_puts_finished_runs_side_by_side(evidence):
    out, result = evidence
    runs = [f'official={out / "evidence.json"}',
            f'again={out / "evidence.json"}']
    args = parse_args(['--compare', *runs, '--teachers', 'convmae'])
    table = compare_runs(args.compare, args.teachers[0])
    header, _, official, again = table.splitlines()
    assert header.startswith('| variant, convmae teacher (synthetic world)')
    assert official.startswith('| official | ')
    assert official.split('|')[2:] == again.split('|')[2:]
    rgb_at_teacher = result['teachers']['convmae']['pairs'][
        'rgb_loss_at_teacher']
    assert f'| {rgb_at_teacher:.3f} |' in official


@pytest.mark.parametrize('argv, message', [
    (['--compare', 'a=x.json', 'b=y.json'], 'name it alone'),
    (['--compare', 'evidence.json', '--teachers', 'mae'], 'LABEL=path'),
    (['--compare', 'a=missing.json', '--teachers', 'mae'],
     'missing.json does not exist')])
def test_compare_refuses_bad_runs(argv, message, capsys):
    with pytest.raises(SystemExit):
        parse_args(argv)
    assert message in capsys.readouterr().err
