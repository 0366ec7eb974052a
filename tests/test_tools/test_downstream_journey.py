"""The newcomer's journey (``make demo-downstream``) at test size: the
labelled synthetic world converted into the benchmarks' layouts, and the
journey's seg and det configs fine-tuning a ViT-T/16 export of the demo's
shape unchanged, then testing."""
import os
import socket
import subprocess
import sys

import mmengine
import pytest
import torch
from mmengine.config import Config
from mmengine.runner import Runner

from univ_mm.models import UNIVVisionTransformer
from univ_mm.preparation.converters import synthetic
from univ_mm.synthetic.world import generate_synthetic_mvip

SEG = 'configs/seg/fcn_univ-vit-t-p16_1xb8-300_synthetic-ir-112x112.py'
DET = ('configs/det/'
       'faster-rcnn_univ-vit-t-p16-sfp_1xb4-300_synthetic-ir-160x128.py')


@pytest.fixture(scope='module')
def journey(tmp_path_factory):
    """``(converted root, export)``: 16 labelled pairs in the layouts, and
    a merged export of the demo's ViT-T/16 at 112 px."""
    tmp = tmp_path_factory.mktemp('journey')
    generate_synthetic_mvip(tmp / 'world', num_pairs=16, with_labels=True,
                            val_fraction=0.25)
    synthetic.convert(tmp / 'world', tmp / 'downstream')
    export = tmp / 'univ_backbone_iter_160.pth'
    torch.manual_seed(0)
    vit = UNIVVisionTransformer(arch='deit-t', img_size=112, patch_size=16)
    torch.save({'state_dict': vit.state_dict()}, export)
    return tmp / 'downstream', export


def test_the_converter_writes_the_benchmarks_layouts(journey):
    root, _ = journey
    for modality in ('ir', 'rgb'):
        for split, count in (('train', 12), ('test', 4)):
            images = sorted((root / modality / 'img_dir' / split).iterdir())
            labels = sorted((root / modality / 'ann_dir' / split).iterdir())
            assert len(images) == count
            assert [p.name for p in images] == [p.name for p in labels]
            coco = mmengine.load(
                root / 'annotations_coco' / f'{modality}_{split}.json')
            assert sorted(root / i['file_name'] for i in coco['images']) == \
                images


def test_an_unlabelled_world_names_the_generator_option(tmp_path):
    generate_synthetic_mvip(tmp_path / 'world', num_pairs=4)
    with pytest.raises(FileNotFoundError, match='--with-labels'):
        synthetic.convert(tmp_path / 'world', tmp_path / 'out')


def assert_started_from(backbone, export) -> None:
    """Two small steps away from the export, not from a random init."""
    name = 'patch_embed.projection.weight'
    torch.testing.assert_close(backbone.state_dict()[name],
                               torch.load(export)['state_dict'][name],
                               atol=1e-3, rtol=0)


def fine_tune_and_test(path: str, data_root: str, export, tmp_path,
                       **options) -> dict:
    """Two iterations of ``path`` from ``export`` on ``data_root``, checked
    to start from the export; the test metrics."""
    cfg = Config.fromfile(path)
    cfg.merge_from_dict({
        'work_dir': str(tmp_path), 'train_cfg.max_iters': 2,
        'train_cfg.val_interval': 2, 'default_hooks.checkpoint.interval': 2,
        'train_dataloader.batch_size': 2,
        'model.backbone.init_cfg.checkpoint': str(export),
        **{f'{split}_dataloader.dataset.data_root': data_root
           for split in ('train', 'val', 'test')}, **options})
    runner = Runner.from_cfg(cfg)
    runner.train()
    assert_started_from(runner.model.backbone, export)
    return runner.test()


@pytest.mark.slow
def test_segmentation_takes_the_demo_export_unchanged(journey, tmp_path):
    root, export = journey
    metrics = fine_tune_and_test(SEG, str(root / 'ir'), export, tmp_path)
    assert 0 <= metrics['mIoU'] <= 100


@pytest.mark.slow
def test_detection_takes_the_demo_export_unchanged(journey, tmp_path):
    root, export = journey
    test_json = str(root / 'annotations_coco' / 'ir_test.json')
    metrics = fine_tune_and_test(DET, f'{root}/', export, tmp_path, **{
        'val_evaluator.ann_file': test_json,
        'test_evaluator.ann_file': test_json})
    assert 0 <= metrics['coco/bbox_mAP'] <= 1


@pytest.mark.slow
def test_two_process_cpu_training_turns_sync_bn_into_bn(journey, tmp_path):
    """``tools/dist_train.sh`` on a machine without a GPU (gloo): the
    config's SyncBN head trains as BN in both processes (SyncBN would stop
    either), logged once (MMEngine's console log is rank 0's)."""
    root, export = journey
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        port = str(sock.getsockname()[1])
    options = [f'{split}_dataloader.dataset.data_root={root}/ir'
               for split in ('train', 'val', 'test')]
    result = subprocess.run(
        ['tools/dist_train.sh', SEG, '2', '--work-dir', str(tmp_path),
         '--cfg-options', *options, f'model.backbone.init_cfg.checkpoint='
         f'{export}', 'model.decode_head.norm_cfg.type=SyncBN',
         'train_cfg.max_iters=2', 'train_cfg.val_interval=2',
         'train_dataloader.batch_size=2'],
        env=dict(os.environ, PYTHON=sys.executable, PORT=port,
                 OMP_NUM_THREADS='1'),
        capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    assert (tmp_path / 'iter_2.pth').is_file()
    log = result.stdout + result.stderr
    assert log.count('SyncBatchNorm layers (GPU only) run as BatchNorm') == 1
