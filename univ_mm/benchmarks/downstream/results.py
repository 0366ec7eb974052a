"""Reading runs' metrics: a test JSON, a training log or a work dir."""
import json
from pathlib import Path

from univ_mm.utils.scalars import SCALARS, read_scalar_log

from .catalogue import BENCHMARKS, METRICS, UNIP_MEAN, UNIP_SETS
from .protocols import protocol_note


def records(path: Path) -> list[dict]:
    """The JSON objects of a file holding one object or JSON lines."""
    text = path.read_text()
    try:
        data = json.loads(text)
        return data if isinstance(data, list) else [data]
    except json.JSONDecodeError:
        return read_scalar_log(path)


def metric_files(work_dir: Path) -> list[Path]:
    """Metric files of a work dir, newest run first (test JSON first)."""
    runs = sorted((p for p in work_dir.iterdir() if p.is_dir()),
                  key=lambda p: p.name, reverse=True)
    files = []
    for run in runs:
        files += [run / f'{run.name}.json', run / SCALARS]
    return [f for f in files if f.is_file()]


def read_metric(path: Path, key: str) -> tuple[float, Path]:
    """The last value of ``key`` in ``path`` (a file or a work dir).

    Returns:
        tuple[float, Path]: The value and the file it was read from.
    """
    record, file = read_record(path, key)
    return float(record[key]), file


def read_record(path: Path, key: str) -> tuple[dict, Path]:
    """The last record holding ``key`` in ``path`` (a file or a work dir),
    and the file it was read from.

    Raises:
        FileNotFoundError: ``path`` does not exist.
        ValueError: No record holds ``key``.
    """
    if not path.exists():
        raise FileNotFoundError(f'{path} does not exist')
    for file in metric_files(path) if path.is_dir() else [path]:
        found = [r for r in records(file) if key in r]
        if found:
            return found[-1], file
    raise ValueError(
        f'no {key} record in {path}. Pass the metrics JSON written by '
        'tools/test.py (WORK_DIR/<timestamp>/<timestamp>.json), a '
        'vis_data/scalars.json with validation records, or their work dir.')


def read_runs(runs: list[list[str]]) -> tuple[dict, list[str], dict]:
    """Read every ``(model, benchmark, path)``.

    Returns:
        tuple[dict, list[str], dict]: ``{model: {benchmark: percent}}`` in
        the order given, a line per run naming the file read, and
        ``{(model, benchmark): note}`` for the results whose protocol is
        not the published one's (:func:`protocol_note`).
    """
    table, sources, notes = {}, [], {}
    for model, benchmark, path in runs:
        key, scale, _ = METRICS[BENCHMARKS[benchmark].task]
        record, file = read_record(Path(path), key)
        table.setdefault(model, {})[benchmark] = float(record[key]) * scale
        sources.append(f'  {model}, {benchmark}: {file}')
        note = protocol_note(file, record, benchmark)
        if note:
            notes[model, benchmark] = note
    for model, row in table.items():
        if all(name in row for name in UNIP_SETS):
            row[UNIP_MEAN] = sum(row[name] for name in UNIP_SETS) / 3
            if any((model, name) in notes for name in UNIP_SETS):
                notes[model, UNIP_MEAN] = 'mean of results marked *'
    return table, sources, notes
