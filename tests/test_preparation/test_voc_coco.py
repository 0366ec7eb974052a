"""VOC XML -> COCO: exact boxes, dropped names, clear errors."""
import pytest
from det_layouts import HEIGHT, WIDTH, write_image, write_voc

from univ_mm.preparation.voc_coco import (
    CocoBuilder,
    VocObject,
    VocSample,
    coco_to_voc_box,
    convert_voc_samples,
    parse_voc_xml,
    voc_to_coco_box,
)


@pytest.mark.parametrize('box', [(0, 0, 80, 64), (4, 5, 30, 40),
                                 (40.5, 10.5, 70.5, 60), (1, 2, 3, 4)])
def test_boxes_round_trip_exactly_without_a_shift(box):
    bbox = voc_to_coco_box(box)
    assert bbox[:2] == list(box[:2])  # no -1 (mmdet's XMLDataset)
    assert bbox[2] == box[2] - box[0]  # no +1 (VOC devkit widths)
    assert coco_to_voc_box(bbox) == box


def test_parse_reads_size_objects_and_difficult(tmp_path):
    objects = [('People', (1, 2, 30, 40), False), ('Car', (5, 6.5, 9, 10),
                                                    True)]
    write_voc(tmp_path / 'a.xml', objects)
    ann = parse_voc_xml(tmp_path / 'a.xml')
    assert (ann.width, ann.height) == (WIDTH, HEIGHT)
    assert ann.objects == [VocObject(n, b, d) for n, b, d in objects]


def test_builder_matches_names_case_insensitively_and_counts_drops():
    builder = CocoBuilder(('People', 'Car'))
    image_id = builder.add_image('a.png', 80, 64)
    builder.add_objects(image_id, [
        VocObject('people', (1, 2, 11, 22)), VocObject('Car', (0, 0, 5, 5),
                                                       difficult=True),
        VocObject('dog', (0, 0, 5, 5)), VocObject('Car', (3, 3, 3, 9))])
    coco = builder.to_dict()
    assert [c['name'] for c in coco['categories']] == ['People', 'Car']
    first, second = coco['annotations']
    assert (first['category_id'], first['bbox'], first['area']) == (
        1, [1, 2, 10, 20], 200)
    assert (second['category_id'], second['iscrowd']) == (2, 1)
    assert builder.dropped == {"boxes of class 'dog'": 1,
                               'boxes without area': 1}


def test_convert_checks_the_image_size_against_the_xml(tmp_path):
    objects = [('person', (1, 1, 5, 5), False)]
    write_voc(tmp_path / 'a.xml', objects)
    write_image(tmp_path / 'big.png', 0, objects)
    (tmp_path / 'a.xml').write_text(
        (tmp_path / 'a.xml').read_text().replace(f'>{WIDTH}<', '>640<'))
    sample = VocSample(tmp_path / 'a.xml', dict(ir='big.png'))
    with pytest.raises(ValueError, match='big.png is 80x64 but .*640x64'):
        convert_voc_samples([sample], tmp_path, ('person', ))


def test_errors_name_the_file(tmp_path):
    with pytest.raises(FileNotFoundError, match='missing.xml is missing'):
        parse_voc_xml(tmp_path / 'missing.xml')
    (tmp_path / 'bad.xml').write_text('<annotation><object>')
    with pytest.raises(ValueError, match='bad.xml: cannot read it as XML'):
        parse_voc_xml(tmp_path / 'bad.xml')
    (tmp_path / 'nobox.xml').write_text(
        '<annotation><object><name>a</name><bndbox><xmin>x</xmin>'
        '</bndbox></object></annotation>')
    with pytest.raises(ValueError, match=r'nobox.xml: <xmin> is \'x\''):
        parse_voc_xml(tmp_path / 'nobox.xml')
    with pytest.raises(ValueError, match='nothing to convert'):
        convert_voc_samples([], tmp_path, ('a', ))
