"""The labelled synthetic world into the benchmarks' layouts.

Reads what ``tools/misc/generate_synthetic_mvip.py --with-labels`` writes
(``splits/{train,val}.txt``, ``<source>/labels/training/<name>.png``,
``annotations/{train,val}_{rgb,ir}.json``) and writes the layouts of the
real benchmarks' converters, so that the journey configs
(``configs/{seg,det}/*synthetic*``) read it as they would MSRS or LLVIP:

    OUT/{ir,rgb}/img_dir/{train,test}/<name>.png   images, copied
    OUT/{ir,rgb}/ann_dir/{train,test}/<name>.png   class maps (6 classes)
    OUT/annotations_coco/{ir,rgb}_{train,test}.json  COCO boxes, file names
                                                     relative to OUT

The generator's held-out ``val`` pairs become the ``test`` split.
"""
from pathlib import Path

import mmengine

from univ_mm.preparation.conversion import (
    ConversionSummary,
    read_split_list,
    require,
    run,
    save_sample,
)
from univ_mm.synthetic.world import ANNOTATIONS, CLASSES, LABELS

#: The generator's split -> the benchmarks' split.
SPLITS = {'train': 'train', 'val': 'test'}
#: Modality -> the generator's column in its pair lists (RGB first).
COLUMNS = {'rgb': 0, 'ir': 1}
HINT = ('Expected the output of `python tools/misc/generate_synthetic_mvip.py '
        'DIR --with-labels`.')


def collect(root: Path) -> list[tuple[str, dict[str, Path], Path]]:
    """``(split, {modality: image}, label)`` of every pair of ``root``."""
    samples = []
    for split, out_split in SPLITS.items():
        for line in read_split_list(root / 'splits' / f'{split}.txt', HINT):
            paths = {m: root / line.split()[c] for m, c in COLUMNS.items()}
            source = paths['rgb'].relative_to(root).parts[0]
            label = root / source / LABELS / paths['rgb'].parent.name / \
                paths['rgb'].name
            require(label, 'class map', HINT)
            samples.append((out_split, paths, label))
    return samples


def convert_boxes(root: Path, out_dir: Path) -> None:
    """Rewrite the generator's COCO files for the images' new places."""
    for split, out_split in SPLITS.items():
        for modality in COLUMNS:
            source = require(root / ANNOTATIONS / f'{split}_{modality}.json',
                             'COCO file', HINT)
            coco = mmengine.load(source)
            for image in coco['images']:
                image['file_name'] = (f'{modality}/img_dir/{out_split}/'
                                      f'{Path(image["file_name"]).name}')
            mmengine.dump(coco, out_dir / 'annotations_coco' /
                          f'{modality}_{out_split}.json', indent=1)


def convert(root: Path, out_dir: Path) -> ConversionSummary:
    """Convert the labelled synthetic world at ``root`` into ``out_dir``
    and print the summary.

    Args:
        root (Path): What ``generate_synthetic_mvip(..., with_labels=True)``
            wrote.
        out_dir (Path): The output folder.

    Returns:
        ConversionSummary: What was written (the class maps; the COCO
        files are rewritten besides).
    """
    samples = collect(root)
    summary = ConversionSummary('synthetic', out_dir,
                                CLASSES)

    def convert_one(sample: tuple[str, dict[str, Path], Path]) -> None:
        split, images, label_path = sample
        label = summary.read_label(label_path)
        for modality, image in images.items():
            save_sample(image, label,
                        out_dir / modality / 'img_dir' / split / image.name,
                        out_dir / modality / 'ann_dir' / split / image.name,
                        summary)

    convert_boxes(root, out_dir)
    return run(samples, convert_one, summary)
