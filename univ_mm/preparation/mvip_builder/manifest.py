"""MVIP's ``manifest.json`` and the journal that makes a build resumable.

Every finished pair is appended to ``.build_mvip.journal`` (one JSON line)
as soon as both its files are in place; ``manifest.json`` is rewritten
atomically after each source, and then the journal is emptied. A run that
was killed therefore loses at most the line being written, and the next
run redoes only pairs that are in neither file.
"""
import json
import threading
from pathlib import Path

from univ_mm.checkpoint.atomic_io import write_atomically

MANIFEST = 'manifest.json'
JOURNAL = '.build_mvip.journal'
FORMAT = 'univ_mm MVIP build, version 1'


def load_manifest(out_dir: Path) -> dict:
    """The manifest of ``out_dir`` with the journal's pairs merged in
    (a fresh manifest when there is none)."""
    path = out_dir / MANIFEST
    manifest = (json.loads(path.read_text()) if path.is_file() else
                {'format': FORMAT, 'sources': {}})
    if manifest.get('format') != FORMAT:
        raise ValueError(f'{path} is not a manifest of build_mvip.py '
                         f'({FORMAT!r}); pick an empty output folder.')
    journal = out_dir / JOURNAL
    lines = journal.read_text().splitlines() if journal.is_file() else []
    for line in lines:
        try:
            folder, name, record = json.loads(line)
        except ValueError:  # the line a kill cut off
            continue
        source = manifest['sources'].setdefault(folder, {'files': {}})
        source['files'][name] = record
    return manifest


def save_manifest(out_dir: Path, manifest: dict) -> None:
    """Write ``manifest.json`` atomically, then empty the journal."""
    text = json.dumps(manifest, indent=1, sort_keys=True) + '\n'
    write_atomically(out_dir / MANIFEST,
                     lambda file: file.write(text.encode()))
    (out_dir / JOURNAL).unlink(missing_ok=True)


class Journal:
    """Appends one line per finished pair to ``out_dir``'s journal."""

    def __init__(self, out_dir: Path) -> None:
        self.path = out_dir / JOURNAL
        self.lock = threading.Lock()

    def add(self, folder: str, name: str, record: dict) -> None:
        """Record that pair ``name`` of source ``folder`` is written
        (thread-safe)."""
        line = json.dumps([folder, name, record]) + '\n'
        with self.lock, open(self.path, 'a') as file:
            file.write(line)


def is_finished(record: dict | None, planned: dict[str, dict],
                out_dirs: dict[str, Path], name: str) -> bool:
    """Whether a pair recorded as ``record`` needs no writing: it was
    made from the same files the same way, and both files are there with
    the recorded size.

    Args:
        record (dict, optional): The pair's manifest record.
        planned (dict[str, dict]): Per modality ``from`` and ``written``
            of this run.
        out_dirs (dict[str, Path]): Output folder per modality.
        name (str): The pair's file name.
    """
    if record is None:
        return False
    for modality, plan in planned.items():
        done = record.get(modality, {})
        path = out_dirs[modality] / name
        if (any(done.get(k) != v for k, v in plan.items())
                or not path.is_file()
                or path.stat().st_size != done.get('bytes')):
            return False
    return True
