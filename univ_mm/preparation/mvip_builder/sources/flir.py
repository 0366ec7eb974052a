"""FLIR-aligned: the aligned subset of FLIR ADAS v1 (Zhang et al., ICIP
2020), 5,142 pairs at 640x512."""
from pathlib import Path

from univ_mm.image_codecs.listing import IMG_SUFFIXES
from univ_mm.preparation.conversion import read_split_list, require

from .common import ReadOptions, SourcePair, SourceScan, images_in, safe_name

LAYOUT = ('align/JPEGImages/FLIR_XXXXX_PreviewData.jpeg (thermal), '
          'align/JPEGImages/FLIR_XXXXX_RGB.jpg (visible), '
          'align/align_train.txt and align/align_validation.txt (or in '
          'align/ImageSets/Main/)')
LISTS = {'train': 'align_train.txt', 'validation': 'align_validation.txt'}
EVALUATION = 'validation'
THERMAL_TAG = '_PreviewData'


def list_path(root: Path, name: str) -> Path:
    """Where the split list ``name`` is: the root or ImageSets/Main."""
    for folder in (root, root / 'ImageSets' / 'Main'):
        if (folder / name).is_file():
            return folder / name
    return require(root / name, 'FLIR-aligned split list',
                   f'Expected layout: {LAYOUT}.')


def listed_stems(root: Path, name: str) -> list[str]:
    """The thermal stems of a split list (any image suffix dropped)."""
    lines = read_split_list(list_path(root, name),
                            'list one FLIR_XXXXX_PreviewData stem per line')
    stems = [Path(line).name for line in lines]
    return [Path(s).stem if Path(s).suffix.lower() in IMG_SUFFIXES else s
            for s in stems]


def read_flir(root: Path, options: ReadOptions) -> SourceScan:
    """Pair ``<stem>.jpeg`` with ``<base>_RGB.jpg`` for every listed stem.

    The MVIP name is ``<base>.jpg`` (``base`` = the stem without
    ``_PreviewData``, through :func:`safe_name` like the other sources'
    names, so a space cannot split a line of the split lists); the
    thermal JPEG is copied under that name.
    """
    images = root / 'JPEGImages'
    images_in(images, 'FLIR-aligned image folder', LAYOUT)
    scan = SourceScan()
    for split, list_name in LISTS.items():
        stems = listed_stems(root, list_name)
        if split == EVALUATION and not options.all_splits:
            scan.left_out[split] = len(stems)
            continue
        scan.splits.append(split)
        for stem in stems:
            base = stem.removesuffix(THERMAL_TAG)
            ir, rgb = images / f'{stem}.jpeg', images / f'{base}_RGB.jpg'
            if not ir.is_file():
                scan.skipped['listed stem without a thermal image'] += 1
            elif not rgb.is_file():
                scan.skipped['thermal image without an RGB image'] += 1
            else:
                scan.pairs.append(SourcePair(f'{safe_name(base)}.jpg', rgb,
                                              ir))
    return scan
