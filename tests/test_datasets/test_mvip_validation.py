"""MVIPDataset rejects bad pairs when it is built, or skips them on request."""
import logging
import os.path as osp

import pytest
from mmengine.logging import MMLogger

from univ_mm.datasets import MVIPDataset


def ir_path(root: str, name: str) -> str:
    return osp.join(root, 'SRC', 'images', 'training', name)


def build(root: str, **kwargs) -> MVIPDataset:
    return MVIPDataset(data_root=root, sources=['SRC'], **kwargs)


def truncate(path: str) -> None:
    with open(path, 'rb') as file:
        data = file.read()
    with open(path, 'wb') as file:
        file.write(data[:len(data) // 2])


@pytest.mark.parametrize('name', ['a.png', 'a.jpg'])
def test_truncated_image_is_named(make_mvip, name):
    root = make_mvip({'SRC': [name, 'b.png']})
    truncate(ir_path(root, name))
    pattern = rf'{name}: (truncated|unreadable \(OSError: Truncated)'
    with pytest.raises(ValueError, match=pattern) as error:
        build(root)
    assert 'skip_bad_items=True' in str(error.value)


def test_unreadable_image_is_named(make_mvip):
    root = make_mvip({'SRC': ['a.png', 'b.png']})
    with open(ir_path(root, 'b.png'), 'wb') as file:
        file.write(b'not an image at all')
    with pytest.raises(ValueError, match=r'b.png: unreadable'):
        build(root)


def test_size_mismatch_names_both_files(make_mvip, write_image,
                                        random_image):
    root = make_mvip({'SRC': ['a.png', 'b.png']})
    write_image(ir_path(root, 'a.png'), random_image(0, (9, 10)))
    with pytest.raises(ValueError, match='sizes differ') as error:
        build(root)
    assert 'is 8x10' in str(error.value) and 'is 9x10' in str(error.value)


class Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.text = ''

    def emit(self, record: logging.LogRecord) -> None:
        self.text += record.getMessage() + '\n'


def test_skip_mode_drops_and_reports_bad_pairs(make_mvip):
    root = make_mvip({'SRC': {'rgb': ['a.png', 'b.png', 'c.png', 'd.png'],
                              'ir': ['a.png', 'b.png', 'c.png']}})
    truncate(ir_path(root, 'b.png'))
    logger, collect = MMLogger.get_current_instance(), Collect()
    logger.addHandler(collect)
    try:
        dataset = build(root, skip_bad_items=True)
    finally:
        logger.removeHandler(collect)
    assert [item['pair_name'] for item in dataset] == ['a.png', 'c.png']
    assert 'd.png' in collect.text and 'b.png' in collect.text
    assert '1 of 3 items are unusable' in collect.text


def test_full_check_decodes(make_mvip):
    root = make_mvip({'SRC': ['a.png']})
    assert len(build(root, check_images='full')) == 1
    with pytest.raises(ValueError, match='check mode'):
        build(root, check_images='quick')


def test_check_none_builds_without_reading_images(make_mvip):
    root = make_mvip({'SRC': ['a.png']})
    truncate(ir_path(root, 'a.png'))
    assert len(build(root, check_images='none')) == 1
