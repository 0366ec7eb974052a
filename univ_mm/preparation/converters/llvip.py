"""LLVIP (infrared + visible, person) to COCO JSON.

Reads the official download::

    LLVIP/{infrared,visible}/{train,test}/NNNNNN.jpg  # aligned pairs
    LLVIP/Annotations/NNNNNN.xml                      # flat, Pascal VOC

The split is the folder an image lies in (``Annotations/`` is not split).
Writes ``ir_{train,test}.json``, ``rgb_{train,test}.json`` and
``rgbt_{train,test}.json`` (visible records with the infrared twin as
``ir_file_name``, for ``RGBTCocoDataset``; image paths relative to the
dataset root). Infrared images without a visible twin or without an
annotation file are left out and counted in the summary.
"""
from pathlib import Path

from univ_mm.preparation.voc_coco import (
    VocSample,
    convert_voc_samples,
    write_split,
)

CLASSES = ('person', )
SPLITS = ('train', 'test')


def split_samples(root: Path, split: str
                  ) -> tuple[list[VocSample], dict[str, int]]:
    """Samples of one split and the counts of infrared images left out."""
    ir_dir = root / 'infrared' / split
    stems = sorted(p.stem for p in ir_dir.glob('*.jpg'))
    if not stems:
        raise FileNotFoundError(
            f'no {ir_dir}/*.jpg; pass the LLVIP folder that holds '
            'infrared/, visible/ and Annotations/')
    skipped = dict.fromkeys(
        ['images without a visible twin', 'images without an annotation'],
        0)
    samples = []
    for stem in stems:
        rgb = f'visible/{split}/{stem}.jpg'
        xml = root / 'Annotations' / f'{stem}.xml'
        if not (root / rgb).is_file():
            skipped['images without a visible twin'] += 1
        elif not xml.is_file():
            skipped['images without an annotation'] += 1
        else:
            samples.append(VocSample(
                xml, dict(ir=f'infrared/{split}/{stem}.jpg', rgb=rgb)))
    return samples, skipped


def convert(root: Path, out_dir: Path) -> None:
    """Convert the train and test folders of LLVIP, printing a summary of
    each.

    Args:
        root (Path): The LLVIP download.
        out_dir (Path): Folder of the COCO files.
    """
    for split in SPLITS:
        samples, skipped = split_samples(root, split)
        builders = convert_voc_samples(samples, root, CLASSES)
        write_split(out_dir, split, builders, skipped)
