"""MVIPDataset rejects bad pairs when it is built, or skips them on request."""
import logging
import os.path as osp

import pytest
from bad_jpegs import BAD_JPEGS
from mmengine.logging import MMLogger

from univ_mm.datasets import MVIPDataset
from univ_mm.datasets.transforms import LoadPairedImages


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
    pattern = (rf'{name}: (truncated|unreadable \((OSError: Truncated|'
               rf'ValueError: .*missing SOS marker))')
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


#: The cheapest check that rejects each bad JPEG, and the reason it gives.
REJECTED_BY = {
    'cmyk': ('header', 'a CMYK JPEG, which the training decoder cannot'),
    'lossless': ('header', r'a lossless \(SOF3\) JPEG'),
    'corrupt': ('full', r'cannot be decoded \(Corrupt JPEG data'),
    'truncated_with_eoi': ('full', r'cannot be decoded \(Corrupt JPEG'),
}


@pytest.mark.parametrize('kind', sorted(BAD_JPEGS))
def test_jpegs_the_decoder_refuses_are_rejected(make_mvip, write_image,
                                                random_image, tmp_path,
                                                kind):
    """The build-time check rejects what the training decoder refuses,
    and decode='full' raises on it instead of decoding grey rows."""
    root = make_mvip({'SRC': ['a.jpg', 'b.jpg']})
    rgb = write_image(osp.join(root, 'SRC', 'vi_images', 'training', 'a.jpg'),
                      random_image(0, (32, 40, 3)))
    with open(ir_path(root, 'a.jpg'), 'wb') as file:
        file.write(BAD_JPEGS[kind](random_image(1, (32, 40, 3))))
    mode, reason = REJECTED_BY[kind]
    with pytest.raises(ValueError, match=rf'a.jpg: {reason}'):
        build(root, check_images=mode)
    with pytest.raises(OSError, match=r"Cannot decode image '.*a.jpg'"):
        LoadPairedImages(ir_color_type='grayscale', decode='full')(
            {'rgb_path': rgb, 'ir_path': ir_path(root, 'a.jpg')})
