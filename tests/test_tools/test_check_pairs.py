"""tools/analysis/check_pairs.py finds a shifted pair and a duplicate."""
import csv
import runpy
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

from univ_mm.datasets import MVIPDataset

TOOL = Path(__file__).parents[2] / 'tools' / 'analysis' / 'check_pairs.py'
SHIFT = 6


def textured_pair(seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Random rectangles: a BGR image and an inverted grey IR twin."""
    rng = np.random.default_rng(seed)
    grey = np.full((96, 128), 60, np.uint8)
    for _ in range(12):
        y, x = rng.integers(0, 80), rng.integers(0, 110)
        grey[y:y + rng.integers(8, 30), x:x + rng.integers(8, 30)] = (
            rng.integers(90, 255))
    rgb = cv2.merge([grey, grey // 2, 255 - grey])
    return rgb, 255 - grey


@pytest.fixture(scope='module')
def checked(tmp_path_factory):
    """Pairs p0-p4 of one source: p3's IR is shifted right, p4 repeats
    p3's scene (aligned); the tool runs once."""
    root = tmp_path_factory.mktemp('mvip')
    for i in range(5):
        rgb, ir = textured_pair(min(i, 3))
        if i == 3:
            ir = np.pad(ir, ((0, 0), (SHIFT, 0)), mode='edge')[:, :-SHIFT]
        for folder, image in (('vi_images', rgb), ('images', ir)):
            path = root / 'SRC' / folder / 'training' / f'p{i}.png'
            path.parent.mkdir(parents=True, exist_ok=True)
            cv2.imwrite(str(path), image)
    out, good = root / 'report', root / 'good.txt'
    summary = runpy.run_path(str(TOOL))['main']([
        str(root), '--out-dir', str(out), '--good-list', str(good),
        '--workers', '2'])
    with open(out / 'pairs.csv') as file:
        rows = {Path(row['name']).stem: row for row in csv.DictReader(file)}
    return root, out, good, summary, rows


def test_shifted_pair_is_flagged_with_its_shift(checked):
    _, _, _, summary, rows = checked
    assert summary['SRC']['pairs'] == 5
    assert summary['SRC']['misaligned'] == 1
    assert rows['p3']['flags'] == 'misaligned'
    assert abs(float(rows['p3']['shift_x']) - SHIFT) <= 1
    assert float(rows['p3']['shift_y']) == 0
    for name in ('p0', 'p1', 'p2', 'p4'):
        assert float(rows[name]['shift_px']) == 0, name


def test_repeated_scene_is_a_near_duplicate(checked):
    _, _, _, summary, rows = checked
    assert summary['SRC']['near_duplicates'] == 1
    assert rows['p4']['duplicate_of'] == 'p3.png'
    assert rows['p4']['flags'] == 'near_duplicate'


def test_worst_pairs_grid_and_good_list(checked):
    root, out, good, _, _ = checked
    grid = cv2.imread(str(out / 'worst_pairs.png'))
    assert grid.shape == (5 * (18 + 128), 3 * 160, 3)
    assert good.read_text().split() == [
        f'SRC/{folder}/training/p{i}.png' for i in range(3)
        for folder in ('vi_images', 'images')]
    dataset = MVIPDataset(str(root), ann_file=str(good))
    assert len(dataset) == 3


def test_unscorable_pairs_are_reported_and_the_rest_scored(tmp_path):
    """A 1x1 px pair (too small for the shifts) and a pair whose IR JPEG
    is turned by its EXIF orientation are flagged unreadable with their
    reason; the good pair is still scored and the reports written."""
    root = tmp_path / 'mvip'
    rgb, ir = textured_pair(0)
    tiny = np.zeros((1, 1), np.uint8)
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 degrees when displayed
    pairs = {'p0': (rgb, ir, {}), 'p1': (cv2.merge([tiny] * 3), tiny, {}),
             'p2': (rgb, ir, {'exif': exif})}
    for name, (rgb_image, ir_image, ir_options) in pairs.items():
        folders = root / 'SRC' / 'vi_images' / 'training', (
            root / 'SRC' / 'images' / 'training')
        for folder in folders:
            folder.mkdir(parents=True, exist_ok=True)
        cv2.imwrite(str(folders[0] / f'{name}.jpg'), rgb_image)
        Image.fromarray(ir_image).save(folders[1] / f'{name}.jpg',
                                       **ir_options)
    out, good = tmp_path / 'report', tmp_path / 'good.txt'
    summary = runpy.run_path(str(TOOL))['main']([
        str(root), '--out-dir', str(out), '--good-list', str(good)])
    with open(out / 'pairs.csv') as file:
        rows = {row['name']: row for row in csv.DictReader(file)}
    assert summary['SRC']['pairs'] == 3 and summary['SRC']['unreadable'] == 2
    assert rows['p0.jpg']['flags'] == '' and rows['p0.jpg']['reason'] == ''
    for name, reason in (('p1.jpg', 'too small'),
                         ('p2.jpg', 'differ in size')):
        assert rows[name]['flags'] == 'unreadable'
        assert reason in rows[name]['reason']
        assert name in rows[name]['reason']
    assert (out / 'worst_pairs.png').is_file()
    assert good.read_text().split() == [
        'SRC/vi_images/training/p0.jpg', 'SRC/images/training/p0.jpg']
