"""The RGB-T segmentation datasets, their configs and data preprocessor."""
import shutil

import cv2
import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.registry import DefaultScope
from mmengine.structures import PixelData
from mmseg.registry import DATASETS, MODELS
from mmseg.structures import SegDataSample

from univ_mm.seg import (
    MFNetDataset,
    MFNetRGBTDataset,
    MSRSDataset,
    MSRSRGBTDataset,
    RGBTSegDataPreProcessor,
)

PIPELINE = [dict(type='univ_mm.LoadRGBTImages'),
            dict(type='LoadAnnotations')]
STATS = dict(rgb_mean=[1., 2., 3.], rgb_std=[1., 2., 4.],
             ir_mean=[10., 20., 30.], ir_std=[5., 5., 5.])


def prefix(split: str) -> dict:
    """``data_prefix`` of one split of a converted RGB-T root."""
    return dict(img_path=f'rgb/img_dir/{split}', ir_path=f'ir/img_dir/{split}',
                seg_map_path=f'ir/ann_dir/{split}')


def build(cls, data_root, **kwargs):
    """Build ``cls`` through mmseg's registry, as a config does."""
    with DefaultScope.overwrite_default_scope('mmseg'):
        return DATASETS.build(dict(dict(
            type=f'univ_mm.{cls.__name__}', data_root=str(data_root),
            pipeline=PIPELINE), **kwargs))


@pytest.mark.parametrize('cls, parent, name, split', [
    (MFNetRGBTDataset, MFNetDataset, 'mfnet', 'val'),
    (MSRSRGBTDataset, MSRSDataset, 'msrs', 'train')])
def test_dataset_loads_each_rgb_image_with_its_thermal_twin(
        converted, cls, parent, name, split):
    dataset = build(cls, converted[name], data_prefix=prefix(split))
    assert type(dataset) is cls
    assert dataset.metainfo['classes'] == parent.METAINFO['classes']
    assert dataset.metainfo['palette'] == parent.METAINFO['palette']
    item = dataset[0]
    rgb = cv2.imread(item['img_path'])
    ir = cv2.imread(item['ir_path'], cv2.IMREAD_GRAYSCALE)
    assert item['ir_path'] == item['img_path'].replace(
        f'rgb/img_dir/{split}', f'ir/img_dir/{split}')
    assert item['img'].shape == (*ir.shape, 6)
    np.testing.assert_array_equal(item['img'][..., :3], rgb)
    np.testing.assert_array_equal(item['img'][..., 3], ir)
    assert item['gt_seg_map'].shape == ir.shape


@pytest.mark.parametrize('name', ['mfnet', 'msrs'])
def test_configs_build_paired_splits(converted, name):
    cfg = Config.fromfile(f'configs/seg/_base_/datasets/{name}-rgbt.py')
    assert set(cfg.normalisation) == set(STATS)
    datasets = [cfg.train_dataloader.dataset, cfg.test_dataloader.dataset]
    if name == 'mfnet':  # validates on val and test, as mfnet-t.py
        assert [d.data_prefix.img_path for d in
                cfg.val_dataloader.dataset.datasets] == [
                    'rgb/img_dir/val', 'rgb/img_dir/test']
        datasets += cfg.val_dataloader.dataset.datasets
    for dataset_cfg in datasets:
        dataset_cfg.data_root = str(converted[name])
        with DefaultScope.overwrite_default_scope('mmseg'):
            packed = DATASETS.build(dataset_cfg)[0]
        assert packed['inputs'].shape[0] == 6
        assert packed['data_samples'].img_path.startswith(
            f'{converted[name]}/rgb/img_dir/')


def test_missing_thermal_twin_names_file_and_converter(converted, tmp_path):
    root = shutil.copytree(converted['msrs'], tmp_path / 'msrs')
    missing = next((root / 'ir' / 'img_dir' / 'train').glob('*.png'))
    missing.unlink()
    with pytest.raises(FileNotFoundError,
                       match=rf'(?s){missing.name}.*python tools/'
                       rf'dataset_converters/msrs\.py \S+ -o {root}`'):
        build(MSRSRGBTDataset, root, data_prefix=prefix('train'))


def test_thermal_twin_of_another_size_is_an_error(converted, tmp_path):
    root = shutil.copytree(converted['mfnet'], tmp_path / 'mfnet')
    twin = next((root / 'ir' / 'img_dir' / 'test').glob('*.png'))
    cv2.imwrite(str(twin), np.zeros((10, 12), np.uint8))
    with pytest.raises(ValueError, match=f'(?s)unusable.*{twin.name}.*'
                       'pixel-aligned'):
        build(MFNetRGBTDataset, root, data_prefix=prefix('test'))


def test_missing_thermal_prefix_is_an_error(converted):
    with pytest.raises(KeyError, match='data_prefix\\["ir_path"\\]'):
        build(MFNetRGBTDataset, converted['mfnet'],
              data_prefix=dict(img_path='rgb/img_dir/val',
                               seg_map_path='ir/ann_dir/val'))


def normalised_by_hand(image: torch.Tensor) -> torch.Tensor:
    """Channels 0-2 reversed, then each modality's mean and std."""
    mean = torch.tensor(STATS['rgb_mean'] + STATS['ir_mean'])
    std = torch.tensor(STATS['rgb_std'] + STATS['ir_std'])
    ordered = image[[2, 1, 0, 3, 4, 5]].float()
    return (ordered - mean.view(-1, 1, 1)) / std.view(-1, 1, 1)


def sample(shape) -> SegDataSample:
    """A data sample with a label map of ``shape``."""
    return SegDataSample(gt_sem_seg=PixelData(
        data=torch.ones(1, *shape, dtype=torch.uint8)))


def test_preprocessor_reverses_rgb_only_and_normalises_each_modality():
    with DefaultScope.overwrite_default_scope('mmseg'):
        preprocessor = MODELS.build(dict(
            type='univ_mm.RGBTSegDataPreProcessor', **STATS))
    assert type(preprocessor) is RGBTSegDataPreProcessor
    image = torch.randint(0, 256, (6, 4, 5), dtype=torch.uint8)
    out = preprocessor(dict(inputs=[image], data_samples=[sample((4, 5))]))
    torch.testing.assert_close(out['inputs'][0], normalised_by_hand(image))
    kept = RGBTSegDataPreProcessor(**STATS, bgr_to_rgb=False)(
        dict(inputs=[image]))['inputs'][0]
    torch.testing.assert_close(kept[:3], (image[:3].float() - torch.tensor(
        [1., 2., 3.]).view(-1, 1, 1)) / torch.tensor([1., 2., 4.]).view(
            -1, 1, 1))


def test_preprocessor_pads_a_batch_to_size():
    preprocessor = RGBTSegDataPreProcessor(**STATS, size=(8, 8), pad_val=0,
                                           seg_pad_val=255)
    images = [torch.randint(0, 256, (6, *shape), dtype=torch.uint8)
              for shape in ((5, 7), (6, 4))]
    out = preprocessor(dict(inputs=images,
                            data_samples=[sample((5, 7)), sample((6, 4))]),
                       training=True)
    assert out['inputs'].shape == (2, 6, 8, 8)
    torch.testing.assert_close(out['inputs'][1, :, :6, :4],
                               normalised_by_hand(images[1]))
    assert (out['inputs'][1, :, 6:] == 0).all()
    labels = out['data_samples'][0].gt_sem_seg.data
    assert labels.shape == (1, 8, 8) and (labels[:, 5:] == 255).all()


def test_preprocessor_rejects_bad_arguments_and_inputs():
    with pytest.raises(TypeError, match='rgb_mean and ir_mean'):
        RGBTSegDataPreProcessor(**STATS, mean=[0.] * 6)
    with pytest.raises(ValueError, match='ir_std needs 3 values'):
        RGBTSegDataPreProcessor(**dict(STATS, ir_std=[5.]))
    with pytest.raises(ValueError, match='6 channels'):
        RGBTSegDataPreProcessor(**STATS)(
            dict(inputs=[torch.zeros(3, 4, 4, dtype=torch.uint8)]))
