"""Video sources: KAIST multispectral pedestrian and LasHeR (RGB-T
tracking). ``frame_stride`` keeps every N-th frame of each sequence."""
from pathlib import Path

from univ_mm.preparation.conversion import require

from .common import (
    ReadOptions,
    SourcePair,
    SourceScan,
    format_suffix,
    images_in,
    list_images,
    natural_key,
    pair_by_stem,
    safe_name,
)

KAIST_LAYOUT = ('kaist-cvpr15/images/setXX/VYYY/{visible,lwir}/IZZZZZ.jpg '
                '(set00-set05 train, set06-set11 test)')
KAIST_TEST_SETS = tuple(f'set{i:02d}' for i in range(6, 12))
LASHER_LAYOUT = ('LasHeR/[TrainingSet/]trainingset/<sequence>/'
                 '{visible/v*.jpg,infrared/i*.jpg} and '
                 '[TestingSet/]testingset/<sequence>/...')
LASHER_SPLITS = ('trainingset', 'testingset')
LASHER_EVALUATION = 'testingset'


def subfolders(folder: Path) -> list[Path]:
    """Sorted visible sub-folders of ``folder``."""
    return sorted(p for p in folder.iterdir()
                  if p.is_dir() and not p.name.startswith('.'))


def read_kaist(root: Path, options: ReadOptions) -> SourceScan:
    """Pair ``visible/`` and ``lwir/`` frames of every video by name.

    The MVIP name is ``setXX_VYYY_IZZZZZ.jpg``.
    """
    images = require(root / 'images', 'KAIST image folder',
                     f'Expected layout: {KAIST_LAYOUT}.')
    sets = [s for s in subfolders(images) if s.name.startswith('set')]
    if not sets:
        raise FileNotFoundError(f'KAIST image folder {images} holds no '
                                f'setXX folder. Expected layout: '
                                f'{KAIST_LAYOUT}.')
    scan = SourceScan()
    for set_dir in sets:
        videos = subfolders(set_dir)
        if set_dir.name in KAIST_TEST_SETS and not options.all_splits:
            scan.left_out[set_dir.name] = sum(
                len(list_images(v / 'lwir')) for v in videos)
            continue
        scan.splits.append(set_dir.name)
        for video in videos:
            pairs = pair_by_stem(video / 'visible', video / 'lwir', scan,
                                 f'KAIST {set_dir.name}/{video.name}',
                                 KAIST_LAYOUT,
                                 f'{set_dir.name}_{video.name}_')
            scan.pairs += pairs[::options.frame_stride]
    return scan


def named_child(folder: Path, name: str) -> Path | None:
    """The sub-folder of ``folder`` called ``name`` in any case."""
    return next((p for p in subfolders(folder) if p.name.lower() == name),
                None)


def find_lasher_split(root: Path, split: str) -> Path | None:
    """The folder named ``split`` (any case) up to two levels below
    ``root``: ``<root>/<split>`` or ``<root>/*/<split>``, descending into
    ``TrainingSet/trainingset``."""
    for folder in (root, *subfolders(root)):
        found = named_child(folder, split)
        if found is not None:
            return named_child(found, split) or found
    return None


def lasher_sequence(sequence: Path, scan: SourceScan,
                    options: ReadOptions) -> list[SourcePair]:
    """Pair the frames of one sequence by their sorted index.

    The MVIP name is ``<sequence>_<index>`` (6 digits) with the visible
    frame's suffix.

    Raises:
        ValueError: The two modalities hold different numbers of frames
            (unless ``options.skip_bad``, which skips the sequence).
    """
    what = f'LasHeR sequence {sequence.name}'
    visible, infrared = (
        sorted(images_in(sequence / folder, f'{what} {folder} folder',
                         LASHER_LAYOUT), key=lambda p: natural_key(p.name))
        for folder in ('visible', 'infrared'))
    if len(visible) != len(infrared):
        if options.skip_bad:
            scan.skipped['sequence with unequal RGB/IR frame counts'] += 1
            return []
        raise ValueError(
            f'{what} ({sequence}) has {len(visible)} visible and '
            f'{len(infrared)} infrared frames; frames are paired by index, '
            f'so the counts must be equal. Restore the missing frames, '
            f'remove the sequence, or pass --skip-bad-pairs to skip it.')
    name = safe_name(sequence.name)
    return [SourcePair(f'{name}_{i:06d}{format_suffix(visible[i])}',
                       visible[i], infrared[i])
            for i in range(0, len(visible), options.frame_stride)]


def read_lasher(root: Path, options: ReadOptions) -> SourceScan:
    """Read every sequence of the training set (and the testing set with
    ``all_splits``)."""
    splits = {s: find_lasher_split(root, s) for s in LASHER_SPLITS}
    if splits['trainingset'] is None:
        raise FileNotFoundError(
            f'LasHeR: no trainingset folder under {root}. Expected layout: '
            f'{LASHER_LAYOUT}.')
    scan = SourceScan()
    for split, folder in splits.items():
        if folder is None:
            continue
        sequences = subfolders(folder)
        if split == LASHER_EVALUATION and not options.all_splits:
            scan.left_out[split] = sum(
                len(list_images(s / 'infrared')) for s in sequences)
            continue
        scan.splits.append(split)
        for sequence in sequences:
            scan.pairs += lasher_sequence(sequence, scan, options)
    return scan
