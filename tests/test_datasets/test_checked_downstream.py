"""Segmentation and detection datasets check their files when built."""
import json

import cv2
import numpy as np
import pytest

from univ_mm.det import CheckedCocoDataset
from univ_mm.seg.datasets import MFNetDataset


def seg_root(tmp_path, names=('a', 'b'), label_shape=(8, 10)):
    for name in names:
        for folder, shape in (('img_dir', (8, 10, 3)),
                              ('ann_dir', label_shape)):
            path = tmp_path / folder / 'train' / f'{name}.png'
            path.parent.mkdir(parents=True, exist_ok=True)
            cv2.imwrite(str(path), np.zeros(shape, np.uint8))
    return tmp_path


def mfnet(root, **kwargs) -> MFNetDataset:
    return MFNetDataset(data_root=str(root), data_prefix=dict(
        img_path='img_dir/train', seg_map_path='ann_dir/train'), **kwargs)


def test_label_map_of_another_size_is_named(tmp_path):
    root = seg_root(tmp_path, label_shape=(9, 10))
    with pytest.raises(ValueError, match='sizes differ') as error:
        mfnet(root)
    assert 'ann_dir/train/a.png is 9x10' in str(error.value)


def test_missing_label_map_and_skip_mode(tmp_path):
    root = seg_root(tmp_path)
    (root / 'ann_dir' / 'train' / 'b.png').unlink()
    with pytest.raises(ValueError, match='b.png: missing'):
        mfnet(root)
    assert [item['img_path'].rsplit('/', 1)[1]
            for item in mfnet(root, skip_bad_items=True)] == ['a.png']


def test_empty_segmentation_folder_names_it(tmp_path):
    (tmp_path / 'img_dir' / 'train').mkdir(parents=True)
    (tmp_path / 'ann_dir' / 'train').mkdir(parents=True)
    with pytest.raises(FileNotFoundError, match='img_dir/train'):
        mfnet(tmp_path)


def coco_root(tmp_path, stated=(8, 10)):
    cv2.imwrite(str(tmp_path / 'a.png'), np.zeros((8, 10, 3), np.uint8))
    record = dict(id=1, file_name='a.png', height=stated[0],
                  width=stated[1])
    box = dict(id=1, image_id=1, category_id=1, bbox=[1, 1, 4, 4],
               area=16, iscrowd=0)
    coco = dict(images=[record], annotations=[box],
                categories=[dict(id=1, name='person')])
    (tmp_path / 'ann.json').write_text(json.dumps(coco))
    return tmp_path


def coco(root) -> CheckedCocoDataset:
    return CheckedCocoDataset(
        data_root=str(root), ann_file='ann.json', data_prefix=dict(img=''),
        metainfo=dict(classes=('person', )))


def test_coco_image_must_have_its_stated_size(tmp_path):
    assert len(coco(coco_root(tmp_path))) == 1
    with pytest.raises(ValueError, match='the annotation is 9x10'):
        coco(coco_root(tmp_path, stated=(9, 10)))
