"""FLIR ADAS v1 (thermal) or FLIR-aligned (thermal + RGB) to COCO JSON.

Both keep the 3 classes of the PAD protocol: person, bicycle, car.

``adas`` reads FLIR ADAS v1.3 (``FLIR_ADAS_1_3/{train,val}/``), whose
``thermal_annotations.json`` is COCO already: images are kept, boxes of other
classes (dog, other vehicle, ...) are dropped, the kept boxes are copied
unchanged and category ids become 1..3. Writes ``ir_{train,val}.json``.

``aligned`` reads the aligned subset (VOC XML)::

    align/JPEGImages/FLIR_XXXXX_PreviewData.jpeg  # thermal
    align/JPEGImages/FLIR_XXXXX_RGB.jpg           # RGB, aligned
    align/Annotations/FLIR_XXXXX_PreviewData.xml  # both modalities
    align/align_{train,validation}.txt            # or in ImageSets/Main/

Stems without an RGB image are left out; ``dog`` and the spurious ``FLIR``
tags are dropped. Writes ``ir_{train,val}.json``, ``rgb_{train,val}.json``
and ``rgbt_{train,val}.json`` (RGB records with the thermal twin as
``ir_file_name``, for ``RGBTCocoDataset``).
All file names are relative to the dataset root.
"""
import json
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

from mmengine.utils import track_iter_progress

from univ_mm.preparation.voc_coco import (
    CocoBuilder,
    VocSample,
    convert_voc_samples,
    read_image_size,
    write_split,
)

CLASSES = ('person', 'bicycle', 'car')
ADAS_SPLITS = ('train', 'val')
ALIGNED_LISTS = dict(train='align_train.txt', val='align_validation.txt')
THERMAL_TAG = '_PreviewData'


def adas_image(root: Path, split: str, image: dict) -> tuple[str, int, int]:
    """Path (relative to ``root``), width and height of a native record."""
    name = image['file_name']
    for file_name in (f'{split}/{name}',
                      f'{split}/thermal_8_bit/{Path(name).name}'):
        if (root / file_name).is_file():
            if image.get('width') and image.get('height'):
                return file_name, image['width'], image['height']
            return file_name, *read_image_size(root / file_name)
    raise FileNotFoundError(f'{root / split / name} is missing (also looked '
                            f'in {split}/thermal_8_bit/); is the download '
                            'complete?')


def adas_split(root: Path, split: str) -> CocoBuilder:
    """Filter one split of FLIR ADAS v1's native thermal annotations."""
    path = root / split / 'thermal_annotations.json'
    if not path.is_file():
        raise FileNotFoundError(f'{path} is missing; pass the FLIR_ADAS_1_3 '
                                'folder, the one holding train/ and val/')
    native = json.loads(path.read_text())
    names = {cat['id']: cat['name'] for cat in native['categories']}
    missing = sorted(set(CLASSES) - set(names.values()))
    if missing:
        raise KeyError(f'{path} has no categories {missing}; is it FLIR ADAS '
                       'v1 (v2 calls bicycles "bike")?')
    boxes = defaultdict(list)
    for ann in native['annotations']:
        boxes[ann['image_id']].append(ann)
    builder = CocoBuilder(CLASSES)
    for image in track_iter_progress(native['images']):
        image_id = builder.add_image(*adas_image(root, split, image))
        for ann in boxes[image['id']]:
            name = names.get(ann['category_id'], f'id {ann["category_id"]}')
            builder.add_box(image_id, name, ann['bbox'],
                            ann.get('iscrowd', 0))
    return builder


def aligned_list(root: Path, name: str) -> list[str]:
    """Thermal stems of a FLIR-aligned split list, ``_PreviewData`` added."""
    for path in (root / name, root / 'ImageSets' / 'Main' / name):
        if path.is_file():
            stems = [Path(line.strip()).stem
                     for line in path.read_text().splitlines() if line.strip()]
            return [stem if stem.endswith(THERMAL_TAG) else stem + THERMAL_TAG
                    for stem in stems]
    raise FileNotFoundError(f'{root / name} is missing (also looked in '
                            'ImageSets/Main/); pass the FLIR-aligned folder')


def aligned_samples(root: Path, stems: list[str]
                    ) -> tuple[list[VocSample], dict[str, int]]:
    """Samples with both modalities and the count of stems without RGB."""
    samples, no_rgb = [], 0
    for stem in stems:
        rgb = f'JPEGImages/{stem[:-len(THERMAL_TAG)]}_RGB.jpg'
        if not (root / rgb).is_file():
            no_rgb += 1
            continue
        samples.append(VocSample(root / 'Annotations' / f'{stem}.xml',
                                 dict(ir=f'JPEGImages/{stem}.jpeg', rgb=rgb)))
    return samples, {'images without an RGB file': no_rgb}


def convert_adas(root: Path, out_dir: Path) -> None:
    """Convert the train and val splits of FLIR ADAS v1, printing a summary
    of each.

    Args:
        root (Path): The ``FLIR_ADAS_1_3`` download.
        out_dir (Path): Folder of the COCO files.
    """
    for split in ADAS_SPLITS:
        write_split(out_dir, split, dict(ir=adas_split(root, split)))


def convert_aligned(root: Path, out_dir: Path) -> None:
    """Convert the train and val lists of FLIR-aligned, printing a summary
    of each.

    Args:
        root (Path): The FLIR-aligned download.
        out_dir (Path): Folder of the COCO files.
    """
    for split, name in ALIGNED_LISTS.items():
        samples, skipped = aligned_samples(root, aligned_list(root, name))
        builders = convert_voc_samples(samples, root, CLASSES)
        write_split(out_dir, split, builders, skipped)


#: The converter of each FLIR download, by its name on the command line.
CONVERTERS: dict[str, Callable[[Path, Path], None]] = dict(
    adas=convert_adas, aligned=convert_aligned)
