"""MFNet into two mmseg roots: thermal (channel 4) and RGB.

MFNet stores each scene as a 4-channel PNG (R, G, B, thermal) in
``images/``, its labels (0..8) in ``labels/`` and the splits in
``train.txt``, ``val.txt`` and ``test.txt`` (one name per line). This writes

    OUT/ir/img_dir/{train,val,test}/<name>.png    thermal, 1 channel
    OUT/rgb/img_dir/{train,val,test}/<name>.png   RGB
    OUT/{ir,rgb}/ann_dir/{train,val,test}/<name>.png
"""
from pathlib import Path

import numpy as np
from PIL import Image

from univ_mm.preparation.classes import MFNET_CLASSES
from univ_mm.preparation.conversion import (
    ConversionSummary,
    missing_in,
    raise_if_any,
    read_split_list,
    require,
    run,
    save_per_modality,
)

SPLITS = ('train', 'val', 'test')
HINT = ('Expected the official MFNet layout: images/*.png (4 channels), '
        'labels/*.png and train.txt, val.txt, test.txt.')


def collect(root: Path) -> list[tuple[str, str]]:
    """``(split, name)`` of every listed scene; checks the files exist."""
    require(root / 'images', 'MFNet image folder', HINT)
    require(root / 'labels', 'MFNet label folder', HINT)
    samples = []
    for split in SPLITS:
        names = [Path(entry).stem for entry in read_split_list(
            root / f'{split}.txt', HINT)]
        for folder in ('images', 'labels'):
            raise_if_any(
                missing_in(root / folder, names, '.png'),
                f'{split}.txt lists scenes missing from {root / folder}:')
        samples += [(split, name) for name in names]
    return samples


def split_channels(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """The thermal ``[H, W]`` and RGB ``[H, W, 3]`` planes of a scene."""
    with Image.open(path) as img:
        scene = np.array(img)
    if scene.ndim != 3 or scene.shape[2] != 4:
        raise ValueError(
            f'{path} has shape {scene.shape}; MFNet scenes are 4-channel PNGs '
            '(R, G, B, thermal). Use the original images/ folder.')
    return scene[..., 3], scene[..., :3]


def convert(root: Path, out_dir: Path) -> ConversionSummary:
    """Convert the MFNet download at ``root`` into ``out_dir`` and print
    the summary.

    Args:
        root (Path): The MFNet download (``ir_seg_dataset``).
        out_dir (Path): The output folder.

    Returns:
        ConversionSummary: What was written.
    """
    samples = collect(root)
    summary = ConversionSummary('MFNet', out_dir,
                                MFNET_CLASSES)

    def convert_one(sample: tuple[str, str]) -> None:
        split, name = sample
        thermal, rgb = split_channels(root / 'images' / f'{name}.png')
        label = summary.read_label(root / 'labels' / f'{name}.png')
        save_per_modality(dict(ir=thermal, rgb=rgb), label, out_dir, split,
                          f'{name}.png', summary)

    listed = {name for _, name in samples}
    unlisted = [p.stem for p in (root / 'images').glob('*.png')
                if p.stem not in listed]
    if unlisted:
        summary.notes.append(f'{len(unlisted)} images are in no split list '
                             'and were skipped')
    return run(samples, convert_one, summary)
