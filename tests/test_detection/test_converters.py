"""The FLIR, M3FD and LLVIP converters on synthetic official layouts."""
import json
import subprocess
import sys
from pathlib import Path

import pytest
from mmdet.datasets import CocoDataset
from pycocotools.coco import COCO

from univ_mm.preparation.converters import m3fd
from univ_mm.preparation.voc_coco import coco_to_voc_box, parse_voc_xml

OUT = 'annotations_coco'


def load(root: Path, name: str) -> COCO:
    """Load a converted file with pycocotools; its images must exist."""
    coco = COCO(str(root / OUT / name))
    for image in coco.dataset['images']:
        assert (root / image['file_name']).is_file(), image['file_name']
    return coco


def assert_boxes_equal_xml(coco: COCO, xml_of) -> None:
    """Every kept box is its XML box exactly; nothing else is kept."""
    names = {c['id']: c['name'] for c in coco.dataset['categories']}
    for image in coco.dataset['images']:
        xml = parse_voc_xml(xml_of(image['file_name']))
        expected = [(o.name.lower(), o.box, int(o.difficult))
                    for o in xml.objects if o.name.lower() in
                    {n.lower() for n in names.values()}]
        got = [(names[a['category_id']].lower(), coco_to_voc_box(a['bbox']),
                a['iscrowd']) for a in coco.imgToAnns[image['id']]]
        assert got == expected, image['file_name']


def test_m3fd_seeded_split_and_both_modalities(converted, m3fd_root):
    train, val = load(m3fd_root, 'ir_train.json'), load(m3fd_root,
                                                        'ir_val.json')
    assert [c['name'] for c in train.dataset['categories']] == [
        'People', 'Car', 'Bus', 'Motorcycle', 'Lamp', 'Truck']
    stems = {split: (m3fd_root / OUT / f'{split}.txt').read_text().split()
             for split in ('train', 'val')}
    assert (len(stems['train']), len(stems['val'])) == (8, 2)
    assert sorted(stems['train'] + stems['val']) == [
        f'{i:05d}' for i in range(10)]
    assert [Path(i['file_name']).stem for i in val.dataset['images']] == \
        stems['val']
    rgb = load(m3fd_root, 'rgb_train.json')
    assert rgb.dataset['annotations'] == train.dataset['annotations']
    assert rgb.dataset['images'][0]['file_name'].startswith('Vis/')
    assert_boxes_equal_xml(
        train, lambda f: m3fd_root / 'Annotation' / f'{Path(f).stem}.xml')


def test_m3fd_split_is_seeded_and_lists_are_honoured(m3fd_root, tmp_path):
    stems = [f'{i:05d}' for i in range(10)]
    assert m3fd.seeded_split(stems, 0.2, 0) == m3fd.seeded_split(
        stems[::-1], 0.2, 0)
    (tmp_path / 'train.txt').write_text('00000.png\n00001\n')
    (tmp_path / 'val.txt').write_text('00009\n')
    m3fd.convert(m3fd_root, tmp_path / 'out', tmp_path / 'train.txt',
                 tmp_path / 'val.txt')
    val = json.loads((tmp_path / 'out' / 'ir_val.json').read_text())
    assert [i['file_name'] for i in val['images']] == ['Ir/00009.png']
    for val, error in (('99999', r"val.txt names 1 stems .*'99999'"),
                       ('00001', 'share 1 stems')):
        (tmp_path / 'val.txt').write_text(val)
        with pytest.raises((KeyError, ValueError), match=error):
            m3fd.convert(m3fd_root, tmp_path / 'unused',
                         tmp_path / 'train.txt', tmp_path / 'val.txt')


def test_llvip_splits_by_folder_and_skips_unpaired(converted, llvip_root):
    train = load(llvip_root, 'ir_train.json')
    assert [i['file_name'] for i in train.dataset['images']] == [
        f'infrared/train/01000{i}.jpg' for i in (1, 2, 3)]
    test = load(llvip_root, 'rgb_test.json')
    assert [i['file_name'] for i in test.dataset['images']] == [
        'visible/test/190001.jpg', 'visible/test/190002.jpg']
    assert_boxes_equal_xml(
        test, lambda f: llvip_root / 'Annotations' / f'{Path(f).stem}.xml')


def test_flir_aligned_filters_rgb_less_stems_and_tags(converted,
                                                      flir_aligned_root):
    ir, rgb = (load(flir_aligned_root, f'{m}_train.json')
               for m in ('ir', 'rgb'))
    assert [i['file_name'] for i in rgb.dataset['images']] == [
        f'JPEGImages/FLIR_0000{i}_RGB.jpg' for i in (1, 2, 3)]
    assert ir.dataset['images'][0]['file_name'] == \
        'JPEGImages/FLIR_00001_PreviewData.jpeg'
    assert [c['name'] for c in ir.dataset['categories']] == [
        'person', 'bicycle', 'car']
    assert_boxes_equal_xml(ir, lambda f: flir_aligned_root / 'Annotations' /
                           f'{Path(f).stem}.xml')


def test_flir_adas_keeps_three_classes_and_native_boxes(converted,
                                                        flir_adas_root):
    coco = load(flir_adas_root, 'ir_train.json')
    native = json.loads(
        (flir_adas_root / 'train/thermal_annotations.json').read_text())
    kept = [a['bbox'] for a in native['annotations'] if a['category_id'] < 4]
    assert [a['bbox'] for a in coco.dataset['annotations']] == kept
    assert coco.dataset['images'][0]['file_name'] == \
        'train/thermal_8_bit/FLIR_00000.jpeg'


def test_mmdet_coco_dataset_reads_the_xml_boxes_back(converted, m3fd_root):
    dataset = CocoDataset(
        data_root=str(m3fd_root), ann_file=f'{OUT}/ir_val.json',
        metainfo=dict(classes=('People', 'Car', 'Bus', 'Motorcycle', 'Lamp',
                               'Truck')),
        data_prefix=dict(img=''), test_mode=True)
    for info in dataset:
        objects = parse_voc_xml(m3fd_root / 'Annotation' /
                                f'{Path(info["img_path"]).stem}.xml').objects
        assert [tuple(i['bbox']) for i in info['instances']] == [
            o.box for o in objects]
        assert [dataset.metainfo['classes'][i['bbox_label']]
                for i in info['instances']] == [o.name for o in objects]


@pytest.mark.slow
def test_cli_prints_a_summary_and_names_a_wrong_root(llvip_root, tmp_path):
    script = 'tools/dataset_converters/llvip.py'
    result = subprocess.run(
        [sys.executable, script, str(llvip_root), '-o', str(tmp_path)],
        capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]
    assert 'train: 3 images (ir, rgb), 6 boxes (person 6)' in result.stdout
    assert 'left out, images without a visible twin: 1' in result.stdout
    for root, message in (
            ('nope', f'dataset folder not found: {tmp_path}/nope'),
            ('empty', f'no {tmp_path}/empty/infrared/train/*.jpg')):
        (tmp_path / 'empty').mkdir(exist_ok=True)
        result = subprocess.run([sys.executable, script, str(tmp_path / root)],
                                capture_output=True, text=True)
        assert result.returncode != 0
        assert message in result.stderr
