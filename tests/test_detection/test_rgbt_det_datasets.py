"""RGB-T COCO files of the converters, their dataset, configs and data
preprocessor."""
import json

import cv2
import numpy as np
import pytest
import torch
from mmdet.registry import DATASETS, MODELS
from mmdet.structures import DetDataSample
from mmengine.config import Config
from mmengine.registry import DefaultScope

from univ_mm.det import RGBTCocoDataset, RGBTDetDataPreProcessor

#: Config data name, its converted root, and the split of its val loader.
CASES = [('flir-aligned', 'flir-aligned-rgb', 'val'),
         ('llvip', 'llvip-rgb', 'test'), ('m3fd', 'm3fd-rgb', 'val')]
STATS = dict(rgb_mean=[1., 2., 3.], rgb_std=[1., 2., 4.],
             ir_mean=[10., 20., 30.], ir_std=[5., 5., 5.])


def read(root, name: str) -> dict:
    """A converted COCO file under ``root/annotations_coco``."""
    return json.loads((root / 'annotations_coco' / name).read_text())


@pytest.mark.parametrize('data, key, split', CASES)
def test_converters_write_rgbt_files_of_existing_pairs(converted, data, key,
                                                       split):
    root = converted[key]
    for part in ('train', split):
        rgbt, rgb = read(root, f'rgbt_{part}.json'), read(
            root, f'rgb_{part}.json')
        ir = read(root, f'ir_{part}.json')
        assert rgbt['annotations'] == rgb['annotations']
        assert rgbt['categories'] == rgb['categories']
        assert [i['file_name'] for i in rgbt['images']] == [
            i['file_name'] for i in rgb['images']]
        assert [i['ir_file_name'] for i in rgbt['images']] == [
            i['file_name'] for i in ir['images']]
        for image in rgbt['images']:
            assert (root / image['ir_file_name']).is_file()


def build(ann_file: str, root, **kwargs) -> RGBTCocoDataset:
    """An RGB-T dataset built through mmdet's registry (``ann_file``
    relative to ``root``, or absolute)."""
    with DefaultScope.overwrite_default_scope('mmdet'):
        return DATASETS.build(dict(
            type='univ_mm.RGBTCocoDataset', data_root=str(root),
            ann_file=ann_file, data_prefix=dict(img=''),
            pipeline=[dict(type='univ_mm.LoadRGBTImages')], **kwargs))


def test_dataset_loads_a_pair(converted):
    root = converted['llvip-rgb']
    dataset = build('annotations_coco/rgbt_train.json', root,
                    metainfo=dict(classes=('person', )))
    assert type(dataset) is RGBTCocoDataset
    item = dataset[0]
    assert item['ir_path'] == str(root / 'infrared/train/010001.jpg')
    assert item['img_path'] == str(root / 'visible/train/010001.jpg')
    np.testing.assert_array_equal(item['img'][..., :3],
                                  cv2.imread(item['img_path']))
    np.testing.assert_array_equal(item['img'][..., 3:],
                                  cv2.imread(item['ir_path']))
    assert len(item['instances']) == 2


def test_records_without_thermal_twin_are_an_error(converted):
    with pytest.raises(KeyError, match=r'(?s)rgb_train\.json.*ir_file_name'
                       r'.*llvip\.py'):
        build('annotations_coco/rgb_train.json', converted['llvip-rgb'])


def test_thermal_image_of_another_size_is_an_error(converted, tmp_path):
    root = converted['m3fd-rgb']
    coco = read(root, 'rgbt_val.json')
    small = tmp_path / 'small.png'
    cv2.imwrite(str(small), np.zeros((8, 8), np.uint8))
    coco['images'][0]['ir_file_name'] = str(small)
    ann_file = tmp_path / 'rgbt_val.json'
    ann_file.write_text(json.dumps(coco))
    with pytest.raises(ValueError, match='(?s)unusable.*small.png'):
        build(str(ann_file), root)


@pytest.mark.parametrize('data, key, split', CASES)
def test_configs_build_paired_loaders(converted, data, key, split):
    cfg = Config.fromfile(f'configs/det/_base_/datasets/{data}-rgbt.py')
    assert set(cfg.normalisation) == set(STATS)
    assert cfg.val_evaluator.ann_file.endswith(f'rgbt_{split}.json')
    for loader in ('train', 'val'):
        dataset_cfg = cfg[f'{loader}_dataloader'].dataset
        dataset_cfg.data_root = str(converted[key])
        with DefaultScope.overwrite_default_scope('mmdet'):
            packed = DATASETS.build(dataset_cfg)[0]
        assert packed['inputs'].shape[0] == 6


def test_preprocessor_reverses_rgb_only_and_normalises_each_modality():
    with DefaultScope.overwrite_default_scope('mmdet'):
        preprocessor = MODELS.build(dict(
            type='univ_mm.RGBTDetDataPreProcessor', pad_size_divisor=8,
            **STATS))
    assert type(preprocessor) is RGBTDetDataPreProcessor
    image = torch.randint(0, 256, (6, 5, 7), dtype=torch.uint8)
    out = preprocessor(dict(inputs=[image], data_samples=[DetDataSample()]))
    mean = torch.tensor(STATS['rgb_mean'] + STATS['ir_mean']).view(-1, 1, 1)
    std = torch.tensor(STATS['rgb_std'] + STATS['ir_std']).view(-1, 1, 1)
    expected = (image[[2, 1, 0, 3, 4, 5]].float() - mean) / std
    assert out['inputs'].shape == (1, 6, 8, 8)
    torch.testing.assert_close(out['inputs'][0, :, :5, :7], expected)
    assert out['data_samples'][0].batch_input_shape == (8, 8)


def test_preprocessor_refuses_a_parent_channel_swap():
    with pytest.raises(TypeError, match='bgr_to_rgb'):
        RGBTDetDataPreProcessor(**STATS, rgb_to_bgr=True)
