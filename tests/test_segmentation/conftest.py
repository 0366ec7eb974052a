"""Tiny segmentation sets in each official layout, converted once.

Images are 64 x 80. Label maps hold a few vertical stripes of classes,
and every image's intensity follows its label, so a model can learn.
"""
import importlib
from pathlib import Path
from types import ModuleType

import mmengine.config.config as mmengine_config
import numpy as np
import pytest
import torch
from mmengine.config import Config
from PIL import Image

from univ_mm.models import UNIVVisionTransformer
from univ_mm.seg.datasets import SCUTSegDataset, SODADataset

SHAPE = (64, 80)
#: A 4-block ViT small enough for CPU: four outputs for the pyramid.
TINY_ARCH = dict(embed_dims=32, num_layers=4, num_heads=2,
                 feedforward_channels=64)


def load_converter(name: str) -> ModuleType:
    """Import the converter ``univ_mm.preparation.converters.<name>``."""
    return importlib.import_module(f'univ_mm.preparation.converters.{name}')


def stripes(seed: int, values) -> np.ndarray:
    """A ``SHAPE`` uint8 map of four vertical stripes drawn from values."""
    picks = np.random.default_rng(seed).choice(values, size=4)
    return np.repeat(picks, SHAPE[1] // 4)[None].repeat(SHAPE[0], 0).astype(
        np.uint8)


def save(array: np.ndarray, path: Path, palette=None) -> None:
    """Save with Pillow, as 'P' with ``palette`` when given."""
    path.parent.mkdir(parents=True, exist_ok=True)
    img = Image.fromarray(array)
    if palette is not None:
        img.putpalette([c for colour in palette for c in colour])
    img.save(path)


def write_msrs(root: Path) -> Path:
    """``{train,test}/{ir,vi,Segmentation_labels}/NNNNND.png``."""
    for split, count in (('train', 3), ('test', 2)):
        for i in range(count):
            name = f'{i:05d}{"DN"[i % 2]}.png'
            label = stripes(i + 10 * (split == 'test'), range(9))
            save(label * 25, root / split / 'ir' / name)
            save(np.stack([label * 20, 255 - label * 20, label * 5], -1),
                 root / split / 'vi' / name)
            save(label, root / split / 'Segmentation_labels' / name)
    return root


def write_soda(root: Path) -> Path:
    """``InfraredSemanticLabel/`` with palette labels and duplicates."""
    release = root / 'InfraredSemanticLabel'
    palette = SODADataset.METAINFO['palette']
    lists = {'train': ['0001', '0002', '0003', '0003 (1)'],
             'test': ['0004', '~0004', '0005']}
    for split, stems in lists.items():
        for i, stem in enumerate(stems):
            label = stripes(i + 10 * (split == 'test'), range(21))
            save(label * 12, release / 'JPEGImages' / f'{stem}.jpg')
            save(label, release / 'SegmentationClassPNG' / f'{stem}.png',
                 palette)
        (release / f'{split}_infrared.txt').write_text('\n'.join(stems))
    return root


def write_mfnet(root: Path) -> Path:
    """``images/*.png`` (R, G, B, T), ``labels/``, split lists."""
    lists = {'train': ['00001D', '00002N', '00003D'], 'val': ['00004N'],
             'test': ['00005D', '00006N']}
    for k, (split, names) in enumerate(lists.items()):
        for i, name in enumerate(names):
            label = stripes(10 * k + i, range(9))
            rgb = [label * 20, 255 - label * 20, label * 5]
            save(np.stack([*rgb, 200 - label * 10], -1),
                 root / 'images' / f'{name}.png')
            save(label, root / 'labels' / f'{name}.png')
        (root / f'{split}.txt').write_text('\n'.join(names) + '\n')
    return root


def write_scut(root: Path) -> Path:
    """``images/<seq>/*.jpg``, raw ``gt_instance/<seq>/*_labelIds.png``."""
    raw_ids = [*SCUTSegDataset.RAW_IDS, 33]  # 33 is no SCUT-Seg class
    for split, names in (('train', ['a/0001', 'a/0002', 'b/0001']),
                         ('val', ['c/0001', 'c/0002'])):
        lines = []
        for i, name in enumerate(names):
            raw = stripes(i + 10 * (split == 'val'), raw_ids)
            save(raw * 7, root / 'images' / f'{name}.jpg')
            save(raw, root / 'gt_instance' / f'{name}_labelIds.png')
            lines.append(f'images/{name}.jpg gt_instance/{name}_labelIds.png')
        (root / f'scut_{split}.txt').write_text('\n'.join(lines) + '\n')
    return root


WRITERS = {'msrs': write_msrs, 'soda': write_soda, 'mfnet': write_mfnet,
           'scut_seg': write_scut}


@pytest.fixture(scope='session')
def official(tmp_path_factory) -> dict[str, Path]:
    """Each dataset's official layout, written once."""
    root = tmp_path_factory.mktemp('official')
    return {name: write(root / name) for name, write in WRITERS.items()}


@pytest.fixture(scope='session')
def converted(official, tmp_path_factory) -> dict[str, Path]:
    """Each official layout run through its converter, once."""
    root = tmp_path_factory.mktemp('converted')
    for name, source in official.items():
        load_converter(name).convert(source, root / name)
    return {name: root / name for name in official}


def data_root(config_name: str, converted: dict[str, Path]) -> Path:
    """The converted root a config of ``configs/seg`` reads."""
    data = config_name.rsplit('_', 1)[1].removesuffix('-512x512.py')
    dataset, _, modality = data.partition('-')
    if dataset in ('msrs', 'mfnet'):
        return converted[dataset] / ('rgb' if modality == 'rgb' else 'ir')
    return converted['scut_seg' if dataset == 'scut' else dataset]


def dataset_keys(cfg: Config) -> list[str]:
    """Config keys of every dataset the loaders read (MFNet validates on a
    ``ConcatDataset`` of its val and test splits)."""
    keys = []
    for loader in ('train', 'val', 'test'):
        dataset = cfg[f'{loader}_dataloader'].dataset
        key = f'{loader}_dataloader.dataset'
        keys += ([f'{key}.datasets.{i}' for i in range(len(dataset.datasets))]
                 if dataset.type == 'ConcatDataset' else [key])
    return keys


def shrink(cfg: Config, root: Path, work_dir: Path,
           checkpoint: Path | None = None) -> Config:
    """Apply ``--cfg-options``-style overrides for a CPU test run.

    Tiny ViT initialised from ``checkpoint`` (None: random), 64 px crops,
    two iterations, plain fp32 optimiser wrapper, data from ``root``.
    """
    last_layer_only = len(set(cfg.model.backbone.out_indices)) == 1
    options = {
        'model.backbone.arch': dict(_delete_=True, **TINY_ARCH),
        'model.backbone.img_size': 64,
        'model.backbone.out_indices': [3] * 4 if last_layer_only else
        [0, 1, 2, 3],
        'model.backbone.init_cfg.checkpoint': str(checkpoint),
        'model.data_preprocessor.size': (64, 64),
        'model.test_cfg.crop_size': (64, 64),
        'model.test_cfg.stride': (43, 43),
        'model.decode_head.in_channels': [32] * 4,
        'optim_wrapper.type': 'OptimWrapper',
        'train_cfg.max_iters': 2, 'train_cfg.val_interval': 100,
        'default_hooks.logger.interval': 1,
        'default_hooks.checkpoint.interval': 2,
        'train_dataloader.dataset.pipeline.2.scale': (128, 64),
        'train_dataloader.dataset.pipeline.3.crop_size': (64, 64),
        'test_pipeline.1.scale': (128, 64), 'work_dir': str(work_dir),
    }
    for loader in ('train', 'val', 'test'):
        options.update({
            f'{loader}_dataloader.num_workers': 0,
            f'{loader}_dataloader.persistent_workers': False})
    for dataset in dataset_keys(cfg):
        options[f'{dataset}.data_root'] = str(root)
        if not dataset.startswith('train'):
            options[f'{dataset}.pipeline.1.scale'] = (128, 64)
    if cfg.model.neck is None:  # linear probe
        options.update({'model.backbone.frozen_stages': 4,
                        'model.decode_head.channels': 4 * 32})
    else:
        options.update({'model.neck.embed_dim': 32,
                        'model.decode_head.channels': 16,
                        'model.auxiliary_head.in_channels': 32,
                        'model.auxiliary_head.channels': 16})
    cfg.merge_from_dict(options)
    if checkpoint is None:
        cfg.model.backbone.init_cfg = None
    return cfg


@pytest.fixture(scope='session', name='shrink_config')
def shrink_config_fixture():
    """The :func:`shrink` helper."""
    return shrink


@pytest.fixture(scope='session', name='config_data_root')
def config_data_root_fixture(converted):
    """``config_data_root(config_name)``: its converted data root."""
    return lambda name: data_root(name, converted)


@pytest.fixture(scope='session', name='load_converter')
def load_converter_fixture():
    """The :func:`load_converter` helper."""
    return load_converter


@pytest.fixture(scope='session', name='write_official')
def write_official_fixture():
    """``write_official[name](root)`` writes that official layout."""
    return WRITERS


@pytest.fixture(scope='session')
def tiny_export(tmp_path_factory) -> Path:
    """A merged-backbone file of the tiny ViT: plain mmpretrain names,
    ``dict(state_dict=...)``, as UNIV's export writes it."""
    torch.manual_seed(0)
    vit = UNIVVisionTransformer(arch=TINY_ARCH, img_size=64,
                                out_type='featmap', out_indices=[0, 1, 2, 3])
    for param in vit.parameters():
        torch.nn.init.normal_(param, std=0.05)
    path = tmp_path_factory.mktemp('export') / 'univ_backbone_iter_4.pth'
    torch.save({'state_dict': vit.state_dict()}, path)
    return path


@pytest.fixture(scope='module', autouse=True)
def fast_config_text():
    """Skip yapf when MMEngine pretty-prints configs (about 2 s a call,
    several calls a run); the text stays valid Python."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(mmengine_config, 'FormatCode',
                      lambda text, **kwargs: (text, False))
        yield
