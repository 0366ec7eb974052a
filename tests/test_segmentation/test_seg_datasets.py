"""The dataset classes: metainfo, registry scope, and converted items."""
import numpy as np
import pytest
from mmengine.registry import DefaultScope
from mmseg.registry import DATASETS
from PIL import Image

from univ_mm.seg.datasets import (
    MFNetDataset,
    MSRSDataset,
    SCUTSegDataset,
    SODADataset,
)

CASES = [  # class, number of classes, image suffix, converted root, split
    (MSRSDataset, 9, '.png', ('msrs', 'ir'), 'test'),
    (MSRSDataset, 9, '.png', ('msrs', 'rgb'), 'train'),
    (MFNetDataset, 9, '.png', ('mfnet', 'ir'), 'val'),
    (SODADataset, 21, '.jpg', ('soda', ), 'train'),
    (SCUTSegDataset, 10, '.jpg', ('scut_seg', ), 'val'),
]


@pytest.mark.parametrize('cls, num_classes, suffix, root, split', CASES)
def test_dataset_reads_its_converted_split(converted, cls, num_classes,
                                           suffix, root, split):
    data_root = converted[root[0]].joinpath(*root[1:])
    with DefaultScope.overwrite_default_scope('mmseg'):
        dataset = DATASETS.build(dict(
            type=f'univ_mm.{cls.__name__}', data_root=str(data_root),
            data_prefix=dict(img_path=f'img_dir/{split}',
                             seg_map_path=f'ann_dir/{split}'),
            pipeline=[dict(type='LoadImageFromFile'),
                      dict(type='LoadAnnotations')]))
    assert type(dataset) is cls
    assert len(dataset.metainfo['classes']) == num_classes
    assert len(dataset.metainfo['palette']) == num_classes
    assert dataset.img_suffix == suffix and dataset.seg_map_suffix == '.png'
    assert dataset.reduce_zero_label is False
    item = dataset[0]
    with Image.open(dataset.get_data_info(0)['seg_map_path']) as label:
        np.testing.assert_array_equal(item['gt_seg_map'], np.array(label))
    assert item['img'].shape == (64, 80, 3)


def test_msrs_and_mfnet_share_classes_and_palette():
    assert len(MSRSDataset.METAINFO['classes']) == len(
        MFNetDataset.METAINFO['classes'])
    assert MSRSDataset.METAINFO['palette'] == MFNetDataset.METAINFO[
        'palette']
    assert MSRSDataset.METAINFO['classes'][5] == 'car stop'


def test_scut_seg_raw_ids_are_the_official_order():
    assert SCUTSegDataset.RAW_IDS == (0, 7, 24, 25, 26, 27, 13, 21, 28, 17)
    assert SCUTSegDataset.METAINFO['classes'][:3] == ('background', 'road',
                                                      'person')


@pytest.mark.parametrize('cls, root, command', [
    (MSRSDataset, 'msrs/ir', 'msrs.py /path/to/MSRS -o {tmp}/msrs'),
    (MFNetDataset, 'mfnet/rgb',
     'mfnet.py /path/to/ir_seg_dataset -o {tmp}/mfnet'),
    (SODADataset, 'soda', 'soda.py /path/to/SODA -o {tmp}/soda'),
    (SCUTSegDataset, 'scut_seg',
     'scut_seg.py /path/to/SCUT-Seg -o {tmp}/scut_seg'),
])
def test_unconverted_dataset_names_the_converter_command(tmp_path, cls, root,
                                                         command):
    with pytest.raises(FileNotFoundError) as err:
        cls(data_root=str(tmp_path / root),
            data_prefix=dict(img_path='img_dir/train',
                             seg_map_path='ann_dir/train'))
    message = str(err.value)
    assert f"'{tmp_path / root / 'img_dir/train'}' not found" in message
    assert ('python tools/dataset_converters/'
            + command.format(tmp=tmp_path)) in message
