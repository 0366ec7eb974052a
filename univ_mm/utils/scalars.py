"""MMEngine's scalar logs: ``<work_dir>/<timestamp>/vis_data/scalars.json``.

``LocalVisBackend`` writes one JSON object per logged step; a resumed run
writes a new timestamped folder.
"""
import json
from pathlib import Path

#: The scalar log of one run segment, under its timestamped folder.
SCALARS = 'vis_data/scalars.json'


def scalar_logs(work_dir: str | Path) -> list[Path]:
    """The scalar log of every run segment of ``work_dir``, oldest first.

    Raises:
        FileNotFoundError: ``work_dir`` holds none.
    """
    found = sorted(Path(work_dir).glob(f'*/{SCALARS}'))
    if not found:
        raise FileNotFoundError(
            f'no */{SCALARS} under {work_dir}: did training run with '
            'LocalVisBackend?')
    return found


def read_scalar_log(path: str | Path) -> list[dict]:
    """The records of one scalar log (JSON lines), in logged order."""
    return [json.loads(line) for line in Path(path).read_text().splitlines()
            if line.strip()]
