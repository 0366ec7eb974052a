"""Writers of tiny synthetic FLIR, M3FD and LLVIP trees in official layouts.

Images are 80 x 64 (width x height) noise with bright boxes; every image
gets objects of its dataset's classes (one at half-pixel corners) plus, where
the real data has them, names the converters must drop.
"""
from pathlib import Path

import cv2
import numpy as np

WIDTH, HEIGHT = 80, 64


def objects_for(index: int, classes: tuple[str, ...],
                extra: tuple[str, ...] = ()) -> list[tuple]:
    """Deterministic ``(name, (xmin, ymin, xmax, ymax), difficult)`` list."""
    first = classes[index % len(classes)]
    second = classes[(index + 1) % len(classes)]
    objects = [(first, (4 + index, 5, 30 + index, 40), False),
               (second, (40.5, 10.5, 70.5, 60), index == 1)]
    return objects + [(name, (1, 1, 9, 9), False) for name in extra]


def write_image(path: Path, seed: int, objects: list[tuple]) -> None:
    """Noise with a bright rectangle per object."""
    rng = np.random.default_rng(seed)
    image = rng.integers(0, 80, (HEIGHT, WIDTH, 3), np.uint8)
    for _, (x1, y1, x2, y2), _ in objects:
        image[int(y1):int(y2), int(x1):int(x2)] = 200
    path.parent.mkdir(parents=True, exist_ok=True)
    assert cv2.imwrite(str(path), image), path


def write_voc(path: Path, objects: list[tuple]) -> None:
    """A Pascal VOC file with ``<size>`` and one ``<object>`` each."""
    parts = [f'<annotation><size><width>{WIDTH}</width><height>{HEIGHT}'
             '</height><depth>3</depth></size>']
    for name, (x1, y1, x2, y2), difficult in objects:
        parts.append(
            f'<object><name>{name}</name><difficult>{int(difficult)}'
            f'</difficult><bndbox><xmin>{x1}</xmin><ymin>{y1}</ymin>'
            f'<xmax>{x2}</xmax><ymax>{y2}</ymax></bndbox></object>')
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(''.join(parts) + '</annotation>')
