"""The protocol a result was scored with (schedule, crop, batch per GPU,
split, cameras), from its run's dumped config, against the published one."""
import re
from dataclasses import astuple, dataclass, fields
from pathlib import Path

from mmengine.config import Config

from univ_mm.utils.rgbt_inputs import is_rgbt

from .catalogue import CONFIGS, PROTOCOL_CONFIGS, RGBT_CONDITIONS

#: A checkpoint's name as MMEngine writes it, with what it was trained for.
CHECKPOINT_NAME = re.compile(r'(?:iter|epoch)_(\d+)\.pth$')


@dataclass(frozen=True)
class Protocol:
    """What a result depends on besides the model."""

    schedule: str
    crop: str
    batch_per_gpu: int
    split: str
    cameras: str

    def differences(self, published: 'Protocol') -> list[str]:
        """``'<field> <ours> (published <theirs>)'`` per differing field."""
        return [f'{field.name.replace("_", " ")} {mine} (published {theirs})'
                for field, mine, theirs in zip(
                    fields(self), astuple(self), astuple(published),
                    strict=True) if mine != theirs]


def split_name(dataset: dict) -> str:
    """The split a dataset config reads, e.g. 'test', 'ir_val', 'val+test'."""
    if 'datasets' in dataset:  # ConcatDataset
        return '+'.join(split_name(part) for part in dataset['datasets'])
    return Path(dataset.get('ann_file') or
                dataset['data_prefix']['img_path']).stem


def cameras(cfg: Config) -> str:
    """Which cameras a config's model sees: 'one' (a single-camera
    config), 'both' or '<RGB|IR> lost' (an RGB-T config)."""
    if not is_rgbt(cfg.model):
        return 'one'
    lost = cfg.model.backbone.get('drop_modality')
    return f'{lost.upper()} lost' if lost else 'both'


def rgbt_condition(benchmark: str) -> tuple[str, str | None]:
    """A benchmark without its RGB-T condition, and the camera it drops."""
    for suffix, _, lost in RGBT_CONDITIONS:
        if suffix and benchmark.endswith(suffix):
            return benchmark[:-len(suffix)], lost
    return benchmark, None


def protocol_of(cfg: Config, loop: str, trained: int | None = None
                ) -> Protocol:
    """The protocol of ``cfg``, evaluated by its ``loop`` ('val'/'test').

    Args:
        cfg (Config): A training config.
        loop (str): Which dataloader scored the result.
        trained (int, optional): Iterations (or epochs) trained. Defaults
            to None: the config's.
    """
    train = cfg.train_cfg
    unit = 'iterations' if 'max_iters' in train else 'epochs'
    length = trained or train.get('max_iters') or train.get('max_epochs')
    crops = [tuple(t['crop_size']) for t in
             cfg.train_dataloader.dataset.get('pipeline', [])
             if 'crop_size' in t]
    return Protocol(f'{length} {unit}',
                    'x'.join(map(str, crops[0])) if crops else 'none',
                    cfg.train_dataloader.batch_size,
                    split_name(cfg[f'{loop}_dataloader'].dataset),
                    cameras(cfg))


def published_protocol(benchmark: str) -> Protocol:
    """The protocol of a benchmark's published numbers (an RGB-T
    condition's: its set's fused config with that camera dropped)."""
    config, lost = rgbt_condition(benchmark)
    cfg = Config.fromfile(CONFIGS / PROTOCOL_CONFIGS[config])
    if lost:
        cfg.model.backbone.drop_modality = lost
    return protocol_of(cfg, 'test')


def run_protocol(file: Path, record: dict) -> Protocol | None:
    """The protocol of the result ``record`` of ``file``, from the config
    its run dumped; None when there is none.

    A training log (``vis_data/scalars.json``) scores on the val split at
    the record's ``step``; a test JSON on the test split after the
    iterations of ``load_from``'s ``iter_N.pth`` (or the config's).
    """
    run_dir = file.parent.parent if file.parent.name == 'vis_data' else \
        file.parent
    config = run_dir / 'vis_data' / 'config.py'
    if not config.is_file():
        return None
    cfg = Config.fromfile(config)
    if file.parent.name == 'vis_data':
        return protocol_of(cfg, 'val', record.get('step'))
    name = CHECKPOINT_NAME.search(str(cfg.get('load_from') or ''))
    return protocol_of(cfg, 'test', name and int(name.group(1)))


def protocol_note(file: Path, record: dict, benchmark: str) -> str | None:
    """Why a result is not comparable with the published ones, or None."""
    ours = run_protocol(file, record)
    if ours is None:
        return (f'protocol unknown: no vis_data/config.py of its run beside '
                f'{file}')
    differences = ours.differences(published_protocol(benchmark))
    return 'protocol differs: ' + ', '.join(differences) if differences \
        else None
