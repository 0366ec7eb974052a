"""Tiny copies of the public layouts of MVIP's sources.

Every pair shows one bright square at the same place in both modalities;
where the square is depends on the pair's seed, so a pair of two different
frames is caught.
"""
from pathlib import Path

import cv2
import numpy as np

SIZE = (32, 40)
#: Pairs each source gives by default (no evaluation split, stride 1).
DEFAULT_COUNTS = {'FLIR-ALIGN': 2, 'KAIST_MMSEG': 6, 'LasHeR0428_rename': 5,
                  'LLVIP': 3, 'VisDrone': 2, 'M3FD': 2, 'MSRS': 1}
#: The same with --all-splits.
ALL_SPLIT_COUNTS = {'FLIR-ALIGN': 3, 'KAIST_MMSEG': 8,
                    'LasHeR0428_rename': 7, 'LLVIP': 4, 'VisDrone': 4,
                    'M3FD': 3, 'MSRS': 2}


def mark_at(seed: int, size: tuple[int, int]) -> tuple[int, int, int]:
    """Top-left ``(y, x)`` and side of the square of pair ``seed``."""
    h, w = size
    side = max(4, h // 6)
    return 7 * seed % (h - side), 13 * seed % (w - side), side


def scene(seed: int, size: tuple[int, int] = SIZE) -> tuple[np.ndarray,
                                                             np.ndarray]:
    """A BGR image and a grey image with the square of ``seed``."""
    y, x, side = mark_at(seed, size)
    rgb, ir = np.zeros((*size, 3), np.uint8), np.zeros(size, np.uint8)
    rgb[y:y + side, x:x + side] = (40, 200, 255)
    ir[y:y + side, x:x + side] = 220
    return rgb, ir


def mark_centre(image: np.ndarray) -> tuple[float, float]:
    """Centre ``(y, x)`` of the bright pixels of a grey or BGR image."""
    grey = image if image.ndim == 2 else image.mean(axis=2)
    ys, xs = np.nonzero(grey > 128)
    return float(ys.mean()), float(xs.mean())


def write(path: Path, image: np.ndarray) -> Path:
    """Write ``image`` (format from the suffix), creating folders."""
    path.parent.mkdir(parents=True, exist_ok=True)
    assert cv2.imwrite(str(path), image), path
    return path


def write_pair(rgb: Path, ir: Path, seed: int, border: int = 0) -> None:
    """Write pair ``seed``; with ``border``, inside a white frame."""
    size = (SIZE if not border else (512, 640))
    images = scene(seed, size)
    if border:
        images = [cv2.copyMakeBorder(i, *[border] * 4, cv2.BORDER_CONSTANT,
                                     value=(255, 255, 255)) for i in images]
    write(rgb, images[0])
    write(ir, images[1])


def make_flir(root: Path) -> Path:
    """Train lists 1, 2, 3 (3 has no RGB), validation lists 4."""
    images = root / 'align' / 'JPEGImages'
    for i in (1, 2, 3, 4):
        write_pair(images / f'FLIR_{i:05d}_RGB.jpg',
                   images / f'FLIR_{i:05d}_PreviewData.jpeg', i)
    (images / 'FLIR_00003_RGB.jpg').unlink()
    (root / 'align' / 'align_train.txt').write_text(
        ''.join(f'FLIR_{i:05d}_PreviewData\n' for i in (1, 2, 3)))
    (root / 'align' / 'align_validation.txt').write_text(
        'FLIR_00004_PreviewData\n')
    return root / 'align'


def make_kaist(root: Path) -> Path:
    """set00/V000: 6 frames; set06/V000 (test): 2 frames."""
    for set_name, frames in (('set00', 6), ('set06', 2)):
        video = root / 'kaist-cvpr15' / 'images' / set_name / 'V000'
        for i in range(frames):
            write_pair(video / 'visible' / f'I{i:05d}.jpg',
                       video / 'lwir' / f'I{i:05d}.jpg', i)
    return root / 'kaist-cvpr15'


def make_lasher(root: Path, unequal: bool = False) -> Path:
    """trainingset: seqA 3 frames, seqB 2; testingset: seqC 2. Names
    differ by modality (v.../i...) and the pair's seed is its index."""
    sequences = (('TrainingSet/trainingset', 'seqA', 3),
                 ('TrainingSet/trainingset', 'seqB', 2),
                 ('TestingSet/testingset', 'seqC', 2))
    for split, name, frames in sequences:
        folder = root / 'LasHeR' / split / name
        for i in range(frames):
            write_pair(folder / 'visible' / f'v{i + 1:06d}.jpg',
                       folder / 'infrared' / f'i{i + 1:06d}.jpg', 10 + i)
    if unequal:
        (root / 'LasHeR/TrainingSet/trainingset/seqA/infrared/'
         'i000002.jpg').unlink()
    return root / 'LasHeR'


def make_llvip(root: Path) -> Path:
    """train: 010001-010003; test: 190001."""
    for split, stems in (('train', (10001, 10002, 10003)),
                         ('test', (190001, ))):
        for i, stem in enumerate(stems):
            write_pair(root / 'LLVIP' / 'visible' / split / f'{stem:06d}.jpg',
                       root / 'LLVIP' / 'infrared' / split / f'{stem:06d}.jpg',
                       20 + i)
    return root / 'LLVIP'


def make_dronevehicle(root: Path) -> Path:
    """train: 2 pairs; val: 1; test: 1; all 840x712 with a white border."""
    for split, count in (('train', 2), ('val', 1), ('test', 1)):
        for i in range(1, count + 1):
            folder = root / 'DroneVehicle' / split
            write_pair(folder / f'{split}img' / f'{i:05d}.jpg',
                       folder / f'{split}imgr' / f'{i:05d}.jpg', 30 + i,
                       border=100)
    return root / 'DroneVehicle'


def make_m3fd(root: Path) -> tuple[Path, Path]:
    """3 PNG pairs and a test list naming the third."""
    for i in (1, 2, 3):
        write_pair(root / 'M3FD' / 'Vis' / f'{i:05d}.png',
                   root / 'M3FD' / 'Ir' / f'{i:05d}.png', 40 + i)
    test_list = root / 'm3fd_val.txt'
    test_list.write_text('00003\n')
    return root / 'M3FD', test_list


def make_msrs(root: Path) -> Path:
    """train: 00001D; test: 00002N (PNG)."""
    for split, stem, seed in (('train', '00001D', 51), ('test', '00002N', 52)):
        write_pair(root / 'MSRS' / split / 'vi' / f'{stem}.png',
                   root / 'MSRS' / split / 'ir' / f'{stem}.png', seed)
    return root / 'MSRS'


def make_sources(root: Path) -> tuple[dict[str, Path], Path]:
    """Every source; returns the roots by key and the M3FD test list."""
    m3fd, test_list = make_m3fd(root)
    return {'flir_aligned': make_flir(root), 'kaist': make_kaist(root),
            'lasher': make_lasher(root), 'llvip': make_llvip(root),
            'dronevehicle': make_dronevehicle(root), 'm3fd': m3fd,
            'msrs': make_msrs(root)}, test_list
