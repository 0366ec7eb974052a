"""Build MVIP from the public downloads of its sources.

``tools/dataset_converters/build_mvip.py`` is the command line. The output
is the authors' layout, ``<out>/<source>/{vi_images,images}/training/<name>``
(RGB, IR), plus ``manifest.json`` and ``splits/{train,val}.txt``.
"""
import sys
from collections import Counter
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

from mmengine.utils import ProgressBar

from univ_mm.checkpoint.atomic_io import write_atomically

from .manifest import Journal, is_finished, load_manifest, save_manifest
from .sources import SOURCES, MVIPSource, ReadOptions, SourcePair, SourceScan
from .writer import MODALITIES, BadPairError, planned_record, write_pair

FOLDERS = {'rgb': 'vi_images', 'ir': 'images'}
SPLIT = 'training'


def output_dirs(out_dir: Path, folder: str) -> dict[str, Path]:
    """The RGB and IR folders of one source in MVIP."""
    return {m: out_dir / folder / FOLDERS[m] / SPLIT for m in MODALITIES}


def check_scan(scan: SourceScan, folder: str, root: Path) -> None:
    """Raise when a source gave no pair or one name twice."""
    if not scan.pairs:
        raise FileNotFoundError(
            f'{folder}: no pair selected from {root} (splits read: '
            f'{scan.splits}, left out: {scan.left_out}, skipped: '
            f'{dict(scan.skipped)}). Check the folder and the options.')
    counts = Counter(pair.name for pair in scan.pairs)
    twice = sorted(name for name, n in counts.items() if n > 1)
    if twice:
        raise ValueError(f'{folder}: {len(twice)} MVIP names would be used '
                         f'twice, e.g. {twice[:3]}; the source under '
                         f'{root} has clashing names.')


def forget_unselected(files: dict, wanted: set[str]) -> int:
    """Drop from ``files`` the recorded pairs this run no longer selects
    (e.g. another stride); return how many. Their files go with
    :func:`remove_unlisted`."""
    stale = [name for name in files if name not in wanted]
    for name in stale:
        del files[name]
    return len(stale)


def remove_unlisted(files: dict, out_dirs: dict[str, Path],
                    folder: str) -> int:
    """Delete every file of the output folders ``out_dirs`` that ``files``
    (the manifest) does not hold: pairs no longer selected, the half of a
    pair a kill or a bad twin left, temporary files. Print and return how
    many were deleted; nothing outside ``out_dirs`` is touched."""
    unlisted = sorted(path for out in out_dirs.values() if out.is_dir()
                      for path in out.iterdir()
                      if path.is_file() and path.name not in files)
    for path in unlisted:
        path.unlink()
    if unlisted:
        print(f'{folder}: removed {len(unlisted)} file(s) not in the '
              f'manifest, e.g. {unlisted[0]}', flush=True)
    return len(unlisted)


def write_pairs(pairs: list[SourcePair], root: Path, folder: str,
                out_dir: Path, files: dict, workers: int,
                skip_bad: bool) -> dict[str, str]:
    """Write ``pairs`` with ``workers`` threads and a progress bar, adding
    each finished one to the journal and ``files``; return the bad pairs
    (name -> reason) when ``skip_bad``, else raise on the first."""
    journal, bad = Journal(out_dir), {}
    out_dirs = output_dirs(out_dir, folder)

    def write_and_record(pair: SourcePair) -> dict:
        record = write_pair(pair, out_dirs, root)
        journal.add(folder, pair.name, record)
        return record

    print(f'{folder}: writing {len(pairs)} pairs from {root}', flush=True)
    progress = ProgressBar(len(pairs), file=sys.stdout)
    with ThreadPoolExecutor(workers) as pool:
        jobs = {pool.submit(write_and_record, pair): pair for pair in pairs}
        for job in as_completed(jobs):
            name = jobs[job].name
            try:
                files[name] = job.result()
            except BadPairError as error:
                if not skip_bad:
                    pool.shutdown(cancel_futures=True)
                    raise BadPairError(f'{folder}: {error}') from None
                bad[name] = str(error)
            progress.update()
    print(flush=True)
    return bad


def source_summary(scan: SourceScan, root: Path, options: dict,
                   bad: dict[str, str], files: dict) -> dict:
    """The manifest entry of one source, without its files."""
    skipped = {reason: n for reason, n in scan.skipped.items() if n}
    if bad:
        skipped['unreadable, cut off or mismatched pair'] = len(bad)
    return {'source_folder': str(root.resolve()), 'options': options,
            'splits_read': scan.splits,
            'evaluation_splits_left_out': scan.left_out,
            'pairs': len(files), 'skipped': skipped, 'bad_pairs': bad,
            're_encoded_pairs': sum(
                any(r[m]['written'] != 'copy' for m in MODALITIES)
                for r in files.values())}


def build_source(out_dir: Path, manifest: dict, source: MVIPSource,
                 root: Path, options: ReadOptions, workers: int) -> dict:
    """Read one source and bring its part of MVIP up to date.

    Returns:
        dict: ``pairs``, ``written``, ``already_done``, ``removed``
        (recorded pairs of an earlier run that this run no longer selects)
        and ``files_removed`` (files deleted from the output folders
        because the manifest does not hold them).
    """
    scan = source.read(root, options)
    check_scan(scan, source.folder, root)
    entry = manifest['sources'].setdefault(source.folder, {'files': {}})
    files, out_dirs = entry['files'], output_dirs(out_dir, source.folder)
    removed = forget_unselected(files, {p.name for p in scan.pairs})
    todo = [p for p in scan.pairs if not is_finished(
        files.get(p.name), planned_record(p, root), out_dirs, p.name)]
    bad = write_pairs(todo, root, source.folder, out_dir, files, workers,
                      options.skip_bad) if todo else {}
    recorded = {'all_splits': options.all_splits,
                'skip_bad_pairs': options.skip_bad}
    if source.video:
        recorded['frame_stride'] = options.frame_stride
    if options.test_list is not None:
        recorded['test_list'] = str(options.test_list.resolve())
    entry.update(source_summary(scan, root, recorded, bad, files))
    entry['files'] = dict(sorted(files.items()))
    return {'pairs': len(files), 'written': len(todo) - len(bad),
            'already_done': len(scan.pairs) - len(todo),
            'removed': removed,
            'files_removed': remove_unlisted(files, out_dirs, source.folder)}


def held_out(names: list[str], per_source: int) -> set[int]:
    """Indices of the pairs held out for validation: evenly spaced over
    the sorted names, as ``MVIPDataset(hold_out=per_source)`` picks them
    (at most all but one)."""
    count = min(per_source, len(names) - 1)
    if count <= 0:
        return set()
    step = len(names) / count
    return {int(k * step) for k in range(count)}


def write_splits(out_dir: Path, manifest: dict, per_source: int) -> None:
    """Write ``splits/val.txt`` (held-out pairs) and ``splits/train.txt``
    (the others) in the ``ann_file`` format of ``MVIPDataset``."""
    lines = {'train': [], 'val': []}
    for folder in sorted(manifest['sources']):
        names = sorted(manifest['sources'][folder]['files'])
        val = held_out(names, per_source)
        rgb, ir = (path.relative_to(out_dir).as_posix()
                   for path in output_dirs(out_dir, folder).values())
        for i, name in enumerate(names):
            lines['val' if i in val else 'train'].append(
                f'{rgb}/{name} {ir}/{name}')
    for split, split_lines in lines.items():
        text = ''.join(f'{line}\n' for line in split_lines)
        write_atomically(out_dir / 'splits' / f'{split}.txt',
                         lambda file, text=text: file.write(text.encode()))
    manifest['splits'] = {'val_per_source': per_source,
                          **{k: len(v) for k, v in lines.items()}}


def build_mvip(out_dir: str | Path, roots: dict[str, str | Path], *,
               frame_stride: int = 1, all_splits: bool = False,
               workers: int = 4, skip_bad_pairs: bool = False,
               val_per_source: int = 64,
               m3fd_test_list: str | Path | None = None) -> dict[str, dict]:
    """Build (or bring up to date) MVIP in ``out_dir``.

    Args:
        out_dir (str | Path): The MVIP folder (``data_root``).
        roots (dict): Download folder per source key of :data:`SOURCES`
            (``flir_aligned``, ``kaist``, ``lasher``, ``llvip``,
            ``dronevehicle``, ``m3fd``, ``msrs``).
        frame_stride (int): Keep every N-th frame of KAIST and LasHeR
            sequences. Defaults to 1.
        all_splits (bool): Include the evaluation splits. Defaults to
            False.
        workers (int): Threads that write pairs. Defaults to 4.
        skip_bad_pairs (bool): Leave out (and record) bad pairs and
            LasHeR sequences with unequal counts instead of raising.
            Defaults to False.
        val_per_source (int): Pairs per source in ``splits/val.txt``.
            Defaults to 64 (the pre-training config's hold-out).
        m3fd_test_list (str | Path, optional): M3FD stems to leave out.
            Defaults to None.

    Returns:
        dict[str, dict]: Per source folder what this run did (see
        :func:`build_source`).
    """
    unknown = sorted(set(roots) - set(SOURCES))
    if unknown or not roots:
        raise ValueError(f'source keys must be some of {list(SOURCES)}; '
                         f'got {sorted(roots)}')
    if frame_stride < 1 or workers < 1 or val_per_source < 0:
        raise ValueError(f'need frame_stride >= 1, workers >= 1 and '
                         f'val_per_source >= 0; got {frame_stride}, '
                         f'{workers}, {val_per_source}')
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    manifest, report = load_manifest(out_dir), {}
    for key, source in SOURCES.items():
        if key not in roots:
            continue
        root = Path(roots[key])
        if not root.is_dir():
            raise FileNotFoundError(
                f'{source.folder}: source folder {root} (--'
                f'{key.replace("_", "-")}) does not exist or is not a '
                f'folder.')
        options = ReadOptions(
            all_splits, frame_stride if source.video else 1,
            Path(m3fd_test_list) if m3fd_test_list and key == 'm3fd'
            else None, skip_bad_pairs)
        report[source.folder] = build_source(out_dir, manifest, source,
                                             root, options, workers)
        save_manifest(out_dir, manifest)
    write_splits(out_dir, manifest, val_per_source)
    save_manifest(out_dir, manifest)
    return report
