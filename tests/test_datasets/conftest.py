"""Helpers that build tiny MVIP-shaped folders in ``tmp_path``."""
import os
import os.path as osp
from collections.abc import Sequence

import cv2
import numpy as np
import pytest


def write_image(path: str, img: np.ndarray) -> str:
    """Write ``img`` with OpenCV, creating parent folders."""
    os.makedirs(osp.dirname(path), exist_ok=True)
    assert cv2.imwrite(path, img), path
    return path


def random_image(seed: int, shape: Sequence[int]) -> np.ndarray:
    """A random uint8 image of ``shape``."""
    return np.random.default_rng(seed).integers(0, 256, shape, np.uint8)


@pytest.fixture(name='write_image')
def write_image_fixture():
    """The :func:`write_image` helper."""
    return write_image


@pytest.fixture(name='random_image')
def random_image_fixture():
    """The :func:`random_image` helper."""
    return random_image


@pytest.fixture
def make_mvip(tmp_path):
    """Factory: ``make_mvip({'SRC': {'rgb': [...], 'ir': [...]}})``.

    Writes 8x10 images named as given (a plain list of names means the same
    names in both modalities) and returns the data root.
    """

    def _make(layout: dict[str, object], split: str = 'training') -> str:
        root = str(tmp_path / 'MVIP')
        os.makedirs(root, exist_ok=True)
        for k, (source, names) in enumerate(layout.items()):
            if not isinstance(names, dict):
                names = {'rgb': names, 'ir': names}
            for folder, key, shape in (('vi_images', 'rgb', (8, 10, 3)),
                                       ('images', 'ir', (8, 10))):
                for i, name in enumerate(names[key]):
                    path = osp.join(root, source, folder, split, name)
                    if osp.splitext(name)[1].lower() in ('.txt', '.json'):
                        os.makedirs(osp.dirname(path), exist_ok=True)
                        open(path, 'w').close()
                    else:
                        write_image(path, random_image(100 * k + i, shape))
        return root

    return _make
