"""tools/analysis/compare_seg.py: the side-by-side results table."""
import json
import runpy
from pathlib import Path

import pytest
from mmengine.config import Config

main = runpy.run_path('tools/analysis/compare_seg.py')['main']


def write(path: Path, *records: dict) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('\n'.join(json.dumps(r) for r in records))
    return path


@pytest.fixture
def runs(tmp_path) -> list[str]:
    """UNIV and a teacher on three UNIP sets, MSRS RGB and FLIR, in each
    of the accepted forms: test JSON, training log, work dir."""
    teacher_ir = tmp_path / 'teacher_soda'  # a work dir, two runs
    for run, miou in (('20250101_000000', 10.0), ('20250102_000000', 70.0)):
        write(teacher_ir / run / f'{run}.json', {'mIoU': miou})
    results = [
        ('UNIV', 'soda', write(tmp_path / 'a.json', {'mIoU': 72.5})),
        ('UNIV', 'mfnet-t', write(tmp_path / 'b.json', {'mIoU': 50.0})),
        ('UNIV', 'scut-seg', write(tmp_path / 'c.json', {'mIoU': 70.0})),
        ('UNIV', 'msrs-rgb', write(
            tmp_path / 'scalars.json', {'loss': 1.0}, {'mIoU': 50.0},
            {'loss': 0.5}, {'mIoU': 79.6})),
        ('UNIV', 'flir-ir', write(tmp_path / 'd.json',
                                  {'coco/bbox_mAP': 0.451})),
        ('MAE', 'soda', teacher_ir),
        ('MAE', 'msrs-rgb', write(tmp_path / 'e.json', {'mIoU': 80.0})),
    ]
    return [arg for model, benchmark, path in results
            for arg in ('--run', model, benchmark, str(path))]


def test_table_has_ours_published_mean_and_gains(runs, capsys):
    table = main([*runs, '--reference', 'MAE'])
    assert table['UNIV']['unip-mean'] == pytest.approx(64.1666, abs=1e-3)
    assert table['UNIV']['flir-ir'] == pytest.approx(45.1)
    assert table['MAE']['soda'] == 70.0  # the newest run of the work dir
    assert 'unip-mean' not in table['MAE']  # two of the three sets missing
    out = capsys.readouterr().out
    assert ('| UNIV |  | 79.60* | 72.50* | 50.00* |  | 70.00* | 64.17* | '
            'this repository, files below |') in out  # no config: marked
    assert '* UNIV, SODA: protocol unknown: no vis_data/config.py' in out
    assert '| UNIP-B (fine-tune) |  |  |  |  |  |  | ~65.2 | UNIP ' in out
    assert '| PAD ViT-B | ~45.3 |' in out  # detection table
    assert 'Gain over MAE' in out
    assert '| model | MSRS-RGB | SODA |' in out  # what MAE has
    assert '| UNIV | -0.40 (99.5 %) | +2.50 |' in out
    assert '20250102_000000' in out


def test_unknown_benchmark_reference_or_metric_is_refused(runs, tmp_path):
    with pytest.raises(SystemExit):
        main(['--run', 'UNIV', 'msrs', str(tmp_path / 'a.json')])
    with pytest.raises(SystemExit):
        main([*runs, '--reference', 'DINO'])
    with pytest.raises(ValueError, match='no coco/bbox_mAP record'):
        main(['--run', 'UNIV', 'llvip-ir', str(tmp_path / 'a.json')])


MSRS_IR = 'configs/seg/upernet_univ-vit-b_4xb2-48k_msrs-ir-512x512.py'


def dumped_run(work_dir: Path, cfg: Config, record: dict,
               log: bool) -> Path:
    """A run dir as MMEngine leaves it: the config in ``vis_data/`` and the
    result in a training log (``log``) or a test JSON."""
    run = work_dir / '20250101_000000'
    (run / 'vis_data').mkdir(parents=True)
    cfg.dump(str(run / 'vis_data' / 'config.py'))
    write(run / 'vis_data' / 'scalars.json' if log else
          run / f'{run.name}.json', record)
    return work_dir


def test_a_toy_run_is_marked_and_a_protocol_run_is_not(tmp_path, capsys):
    published = Config.fromfile(MSRS_IR)
    published.load_from = 'work_dirs/msrs/iter_48000.pth'
    toy = Config.fromfile(MSRS_IR)
    toy.merge_from_dict({'train_cfg.max_iters': 6,
                         'train_dataloader.batch_size': 1,
                         'train_dataloader.dataset.pipeline.3.crop_size':
                         (64, 64)})
    main(['--run', 'UNIV', 'msrs-ir', str(dumped_run(
              tmp_path / 'full', published, {'mIoU': 75.0}, log=False)),
          '--run', 'toy', 'msrs-ir', str(dumped_run(
              tmp_path / 'toy', toy, {'mIoU': 3.0, 'step': 6}, log=True))])
    out = capsys.readouterr().out
    assert '| UNIV | 75.00 |' in out
    assert '| toy | 3.00* |' in out
    assert ('* toy, MSRS-IR: protocol differs: schedule 6 iterations '
            '(published 48000 iterations), crop 64x64 (published 512x512), '
            'batch per gpu 1 (published 2)') in out
    assert '* UNIV' not in out


def test_rgbt_runs_get_their_own_table_beside_the_single_cameras(
        tmp_path, capsys):
    miou = {'mfnet-rgb': 40.0, 'mfnet-t': 45.0, 'mfnet-rgbt': 55.0,
            'mfnet-rgbt-rgb-lost': 44.0, 'mfnet-rgbt-ir-lost': 39.0}
    runs = [arg for benchmark, value in miou.items() for arg in (
        '--run', 'UNIV', benchmark,
        str(write(tmp_path / f'{benchmark}.json', {'mIoU': value})))]
    main(runs)
    out = capsys.readouterr().out
    rgbt = out[out.index('RGB-T Segmentation'):]
    assert ('| model | MFNet RGB only | MFNet IR only | MFNet fused | '
            'MFNet RGB lost | MFNet IR lost | source |') in rgbt
    assert '| UNIV | 40.00* | 45.00* | 55.00* | 44.00* | 39.00* |' in rgbt
    assert '| CMX MiT-B2 / MiT-B4 (two backbones) |  |  | 58.2 / 59.7 |' \
        in rgbt
    assert 'MSRS' not in rgbt.splitlines()[2]  # no MSRS run: no columns


def test_a_run_that_dropped_another_camera_is_marked(tmp_path, capsys):
    cfg = Config.fromfile(
        'configs/seg/upernet_univ-vit-b_2xb4-9.8k_mfnet-rgbt-512x512.py')
    cfg.model.backbone.drop_modality = 'ir'
    run = tmp_path / 'run' / '20250101_000000'
    (run / 'vis_data').mkdir(parents=True)
    cfg.dump(run / 'vis_data' / 'config.py')
    write(run / '20250101_000000.json', {'mIoU': 30.0})
    main(['--run', 'UNIV', 'mfnet-rgbt-rgb-lost', str(tmp_path / 'run')])
    out = capsys.readouterr().out
    assert '| UNIV |  |  |  | 30.00* |  |' in out  # the RGB lost column
    assert ('MFNet RGB lost: protocol differs: cameras IR lost (published '
            'RGB lost)') in out
