"""MSRS into two mmseg roots: infrared and visible (RGB).

MSRS (https://github.com/Linfeng-Tang/MSRS) comes as
``{train,test}/{ir,vi,Segmentation_labels}/<name>.png``. This writes

    OUT/ir/img_dir/{train,test}/<name>.png     infrared, copied
    OUT/rgb/img_dir/{train,test}/<name>.png    visible, copied
    OUT/{ir,rgb}/ann_dir/{train,test}/<name>.png   labels 0..8
"""
from pathlib import Path

from univ_mm.preparation.classes import MSRS_CLASSES
from univ_mm.preparation.conversion import (
    ConversionSummary,
    raise_if_any,
    require,
    run,
    save_per_modality,
)

SPLITS = {'train': 1083, 'test': 361}  # official pair counts
MODALITY_FOLDERS = {'ir': 'ir', 'rgb': 'vi'}
LABEL_FOLDER = 'Segmentation_labels'
HINT = ('Expected the official MSRS layout '
        '{train,test}/{ir,vi,Segmentation_labels}/*.png.')


def list_pngs(folder: Path) -> list[str]:
    """Sorted PNG names of ``folder``; raise on any other visible file."""
    require(folder, 'MSRS folder', HINT)
    names = sorted(p.name for p in folder.iterdir()
                   if not p.name.startswith('.'))
    raise_if_any([n for n in names if not n.lower().endswith('.png')],
                 f'{folder} holds files that are not PNG images; move them '
                 'out of the dataset:')
    return names


def collect(root: Path) -> list[tuple[str, str]]:
    """``(split, name)`` of every labelled pair; checks the pairing."""
    samples = []
    for split in SPLITS:
        labels = list_pngs(root / split / LABEL_FOLDER)
        for folder in MODALITY_FOLDERS.values():
            images = set(list_pngs(root / split / folder))
            raise_if_any(sorted(set(labels) - images),
                         f'labels in {root / split / LABEL_FOLDER} have no '
                         f'image in {root / split / folder}:')
            raise_if_any(sorted(images - set(labels)),
                         f'images in {root / split / folder} have no label '
                         f'in {root / split / LABEL_FOLDER}:')
        samples += [(split, name) for name in labels]
    return samples


def convert(root: Path, out_dir: Path) -> ConversionSummary:
    """Convert the MSRS download at ``root`` into ``out_dir`` and print
    the summary.

    Args:
        root (Path): The MSRS download.
        out_dir (Path): The output folder.

    Returns:
        ConversionSummary: What was written.
    """
    samples = collect(root)
    summary = ConversionSummary('MSRS', out_dir,
                                MSRS_CLASSES)

    def convert_one(sample: tuple[str, str]) -> None:
        split, name = sample
        label = summary.read_label(root / split / LABEL_FOLDER / name)
        images = {modality: root / split / folder / name
                  for modality, folder in MODALITY_FOLDERS.items()}
        save_per_modality(images, label, out_dir, split, name, summary)

    counts = {s: sum(1 for split, _ in samples if split == s) for s in SPLITS}
    if counts != SPLITS:
        summary.notes.append(f'pairs per split {counts}; the official '
                             f'release has {SPLITS}')
    return run(samples, convert_one, summary)
