"""Model cards: a JSON file next to each export saying what it is.

A card records the files' sha256 checksums, how to load the export, and
what the training config says about the run (config file, teacher, data,
schedule) when one is given; what is not known is written as such, never
guessed.
"""
import hashlib
import json
from pathlib import Path

from mmengine.config import Config

from univ_mm.checkpoint.atomic_io import write_atomically

#: Written where the training config was not given.
UNKNOWN = 'not recorded: pass --config TRAINING_CONFIG'


def sha256(path: Path) -> str:
    """The sha256 hex digest of a file, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with open(path, 'rb') as file:
        for chunk in iter(lambda: file.read(1 << 20), b''):
            digest.update(chunk)
    return digest.hexdigest()


def checksums(path: Path) -> dict[str, str]:
    """``{file name: sha256}`` of a file, or of every file in a folder."""
    files = sorted(path.iterdir()) if path.is_dir() else [path]
    return {file.name: sha256(file) for file in files if file.is_file()}


def training_summary(config: str | None) -> dict:
    """Config file, teacher, data and schedule of a training config.

    Args:
        config (str, optional): The pre-training (or fine-tuning) config.
            Defaults to None (every entry says it is not recorded).

    Returns:
        dict: ``config``, ``teacher``, ``data``, ``schedule``.
    """
    if config is None:
        return dict.fromkeys(('config', 'teacher', 'data', 'schedule'),
                             UNKNOWN)
    cfg = Config.fromfile(config)
    model = cfg.get('model', {})
    teacher = model.get('teacher') or {}
    dataset = cfg.get('train_dataloader', {}).get('dataset', {})
    return dict(
        config=str(config),
        teacher=dict(type=teacher.get('type'), arch=teacher.get('arch'),
                     init_cfg=teacher.get('init_cfg')) if teacher else None,
        data=dict(type=dataset.get('type'), data_root=dataset.get(
            'data_root')),
        schedule=dict(train_cfg=cfg.get('train_cfg'),
                      optimizer=cfg.get('optim_wrapper', {}).get('optimizer'),
                      param_scheduler=cfg.get('param_scheduler')))


def card_path(export: Path) -> Path:
    """Where the card of ``export`` goes: ``<export>.card.json``."""
    return export.with_name(export.name + '.card.json')


def write_card(export: Path, **fields) -> Path:
    """Write the card of ``export``: ``fields`` and the checksums.

    Args:
        export (Path): The exported file or folder.
        **fields: What to record (builtins, JSON-serialisable;
            ``Config`` values are written as dicts).

    Returns:
        Path: The card.
    """
    card = dict(fields, export=export.name, sha256=checksums(export))
    text = json.dumps(card, indent=2, default=_plain) + '\n'
    path = card_path(export)
    write_atomically(path, lambda file: file.write(text.encode()))
    return path


def _plain(value: object) -> object:
    """JSON for what ``json`` does not know: configs, tuples in them."""
    to_dict = getattr(value, 'to_dict', None)
    return to_dict() if callable(to_dict) else str(value)
