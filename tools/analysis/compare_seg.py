"""Side-by-side table of segmentation and detection results, with published.

Rows are models (UNIV and every baseline), columns are benchmarks, infrared
and RGB, plus the mean over UNIP's three thermal sets (SODA, MFNet-T,
SCUT-Seg). The published numbers sit under ours with their source. With
``--reference``, a second table gives each model's gain over that model
and, on the RGB benchmarks, its retention (UNIV claims >= 99 %).

Each ``--run MODEL BENCHMARK PATH`` names one result; PATH is one of
  * the metrics JSON that ``tools/test.py`` writes
    (``WORK_DIR/<timestamp>/<timestamp>.json``),
  * a training log of JSON lines (``vis_data/scalars.json``): its last
    record with the metric,
  * a work dir: the newest of those files in it that holds the metric.
Segmentation reads ``mIoU``; detection reads ``coco/bbox_mAP`` (as %).

The RGB-T benchmarks (``<set>-rgbt``, ``<set>-rgbt-rgb-lost``,
``<set>-rgbt-ir-lost``: one fused checkpoint tested with both cameras and
with ``tools/test.py --drop-modality rgb|ir``) get a table of their own per
task, beside the same set's RGB-only and IR-only results.

Each result is read with its protocol (schedule trained, crop, batch per
GPU, evaluated split) from the config its run dumped
(``<timestamp>/vis_data/config.py``). A result whose protocol differs from
the published one's (the benchmark's config in :data:`PROTOCOL_CONFIGS`,
which reproduces it), or is unknown, is marked ``*`` with a footnote
saying how.

Example:
    python tools/analysis/compare_seg.py \
        --run UNIV msrs-ir work_dirs/msrs-ir_univ \
        --run 'MAE (teacher)' msrs-ir work_dirs/msrs-ir_teacher \
        --run UNIV msrs-rgb work_dirs/msrs-rgb_univ \
        --run 'MAE (teacher)' msrs-rgb work_dirs/msrs-rgb_teacher \
        --reference 'MAE (teacher)'
"""
import argparse
import json
import re
from dataclasses import astuple, dataclass, fields
from pathlib import Path

from mmengine.config import Config

from univ_mm.utils.rgbt_inputs import is_rgbt
from univ_mm.utils.scalars import SCALARS, read_scalar_log

#: The RGB retention UNIV claims, in percent of the reference.
CLAIMED_RETENTION = 99.0


@dataclass(frozen=True)
class Benchmark:
    """A column: its title, task (``'seg'``/``'det'``) and modality."""

    title: str
    task: str
    modality: str


BENCHMARKS = {
    'msrs-ir': Benchmark('MSRS-IR', 'seg', 'IR'),
    'msrs-rgb': Benchmark('MSRS-RGB', 'seg', 'RGB'),
    'soda': Benchmark('SODA', 'seg', 'IR'),
    'mfnet-t': Benchmark('MFNet-T', 'seg', 'IR'),
    'mfnet-rgb': Benchmark('MFNet-RGB', 'seg', 'RGB'),
    'scut-seg': Benchmark('SCUT-Seg', 'seg', 'IR'),
    'flir-ir': Benchmark('FLIR-IR', 'det', 'IR'),
    'flir-aligned-ir': Benchmark('FLIR-aligned-IR', 'det', 'IR'),
    'flir-aligned-rgb': Benchmark('FLIR-aligned-RGB', 'det', 'RGB'),
    'm3fd-ir': Benchmark('M3FD-IR', 'det', 'IR'),
    'm3fd-rgb': Benchmark('M3FD-RGB', 'det', 'RGB'),
    'llvip-ir': Benchmark('LLVIP-IR', 'det', 'IR'),
    'llvip-rgb': Benchmark('LLVIP-RGB', 'det', 'RGB'),
    # the newcomer's journey (make demo-downstream): no published numbers
    'synthetic-ir': Benchmark('Synthetic-IR', 'seg', 'IR'),
    'synthetic-det-ir': Benchmark('Synthetic-IR', 'det', 'IR'),
}
#: The pixel-aligned sets the RGB-T configs fuse: (task, title, the
#: single-camera benchmarks of the same images: RGB, IR).
RGBT_SETS = {
    'mfnet': ('seg', 'MFNet', 'mfnet-rgb', 'mfnet-t'),
    'msrs': ('seg', 'MSRS', 'msrs-rgb', 'msrs-ir'),
    'flir-aligned': ('det', 'FLIR-aligned', 'flir-aligned-rgb',
                     'flir-aligned-ir'),
    'llvip': ('det', 'LLVIP', 'llvip-rgb', 'llvip-ir'),
    'm3fd': ('det', 'M3FD', 'm3fd-rgb', 'm3fd-ir'),
}
#: A fused checkpoint's test conditions: benchmark suffix, title, and the
#: camera ``tools/test.py --drop-modality`` drops (None: both seen).
RGBT_CONDITIONS = (('', 'fused', None), ('-rgb-lost', 'RGB lost', 'rgb'),
                   ('-ir-lost', 'IR lost', 'ir'))
BENCHMARKS.update({
    f'{name}-rgbt{suffix}': Benchmark(f'{title} {what}', task, 'RGB-T')
    for name, (task, title, _, _) in RGBT_SETS.items()
    for suffix, what, _ in RGBT_CONDITIONS})
#: Columns shown only when a run fills them (nothing is published there).
RUN_ONLY = ('synthetic-ir', 'synthetic-det-ir')
#: UNIP's thermal segmentation sets; their mean is a column of its own.
UNIP_SETS = ('soda', 'mfnet-t', 'scut-seg')
UNIP_MEAN = 'unip-mean'
#: Per task: the logged metric, its scale to percent, the table's title.
METRICS = {
    'seg': ('mIoU', 1.0, 'Segmentation (mIoU, %)'),
    'det': ('coco/bbox_mAP', 100.0, 'Detection (COCO AP, %)'),
}
#: Published numbers: (model, {benchmark: value as published}, source).
PUBLISHED = (
    ('UNIV (paper; ConvMAE-B + LoRA)', {'msrs-ir': '76.0'},
     'third-party summary of the UNIV paper'),
    ('UNIP-B (fine-tune)', {UNIP_MEAN: '~65.2'}, 'UNIP repository chart'),
    ('UNIP-B (linear probe)', {UNIP_MEAN: '~51.5'}, 'UNIP repository chart'),
    ('PAD ViT-B', {'soda': '~68.3', 'mfnet-t': '~48.7', 'flir-ir': '~45.3'},
     'PAD repository chart'),
    ('CMX MiT-B2 / MiT-B4 (two backbones)', {'mfnet-rgbt': '58.2 / 59.7'},
     'CMX paper (Zhang et al., 2023), as cited in issue 28; not re-checked'),
    ('Sigma (Siamese Mamba)', {'mfnet-rgbt': '60.2-61.3'},
     'Sigma paper (Wan et al., 2024), as cited in issue 28; not re-checked'),
    ('UniRGB-IR (ViT-B + adapters)', {'flir-aligned-rgbt': '81.4 (AP50)'},
     'UniRGB-IR paper, as cited in issue 28; AP50, not COCO AP'),
)


#: The config of each benchmark's published protocol: the configs reproduce
#: the sources' protocols value for value (configs/seg/README.md,
#: Protocols).
PROTOCOL_CONFIGS = {
    'msrs-ir': 'seg/upernet_univ-vit-b_4xb2-48k_msrs-ir-512x512.py',
    'msrs-rgb': 'seg/upernet_univ-vit-b_4xb2-48k_msrs-rgb-512x512.py',
    'soda': 'seg/upernet_univ-vit-b_2xb4-14.4k_soda-512x512.py',
    'mfnet-t': 'seg/upernet_univ-vit-b_2xb4-9.8k_mfnet-t-512x512.py',
    'mfnet-rgb': 'seg/upernet_univ-vit-b_2xb4-9.8k_mfnet-rgb-512x512.py',
    'scut-seg': 'seg/upernet_univ-vit-b_2xb4-16.8k_scut-seg-512x512.py',
    'flir-ir': 'det/faster-rcnn_univ-vit-b-p16-sfp_1xb2-53k_flir-ir-1024.py',
    'flir-aligned-ir':
    'det/faster-rcnn_univ-vit-b-p16-sfp_1xb2-12e_flir-aligned-ir-1024.py',
    'flir-aligned-rgb':
    'det/faster-rcnn_univ-vit-b-p16-sfp_1xb2-12e_flir-aligned-rgb-1024.py',
    'm3fd-ir': 'det/faster-rcnn_univ-vit-b-p16-sfp_1xb2-12e_m3fd-ir-1024.py',
    'm3fd-rgb': 'det/faster-rcnn_univ-vit-b-p16-sfp_1xb2-12e_m3fd-rgb-1024.py',
    'llvip-ir': 'det/faster-rcnn_univ-vit-b-p16-sfp_1xb2-12e_llvip-ir-1024.py',
    'llvip-rgb':
    'det/faster-rcnn_univ-vit-b-p16-sfp_1xb2-12e_llvip-rgb-1024.py',
    'mfnet-rgbt': 'seg/upernet_univ-vit-b_2xb4-9.8k_mfnet-rgbt-512x512.py',
    'msrs-rgbt': 'seg/upernet_univ-vit-b_4xb2-48k_msrs-rgbt-512x512.py',
    'flir-aligned-rgbt':
    'det/faster-rcnn_univ-vit-b-p16-sfp_1xb2-12e_flir-aligned-rgbt-1024.py',
    'llvip-rgbt':
    'det/faster-rcnn_univ-vit-b-p16-sfp_1xb2-12e_llvip-rgbt-1024.py',
    'm3fd-rgbt':
    'det/faster-rcnn_univ-vit-b-p16-sfp_1xb2-12e_m3fd-rgbt-1024.py',
    'synthetic-ir': 'seg/fcn_univ-vit-t-p16_1xb8-300_synthetic-ir-112x112.py',
    'synthetic-det-ir':
    'det/faster-rcnn_univ-vit-t-p16-sfp_1xb4-300_synthetic-ir-160x128.py',
}
CONFIGS = Path(__file__).resolve().parents[2] / 'configs'
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


def columns(task: str, ours: dict[str, dict[str, float]]
            ) -> list[tuple[str, str]]:
    """``(key, title)`` of a task's columns, UNIP's mean after seg's; a
    :data:`RUN_ONLY` column only when a row of ``ours`` has it."""
    filled = {key for row in ours.values() for key in row}
    cols = [(k, b.title) for k, b in BENCHMARKS.items() if b.task == task
            and b.modality != 'RGB-T' and (k not in RUN_ONLY or k in filled)]
    if task == 'seg':
        cols.append((UNIP_MEAN, 'mean SODA / MFNet-T / SCUT-Seg'))
    return cols


def rgbt_columns(task: str, ours: dict[str, dict[str, float]]
                 ) -> list[tuple[str, str]]:
    """``(key, title)`` of a task's RGB-T table: per aligned set that a run
    fills, RGB only, IR only, fused, RGB lost and IR lost."""
    filled = {key for row in ours.values() for key in row}
    cols = []
    for name, (kind, title, rgb, ir) in RGBT_SETS.items():
        fused = [f'{name}-rgbt{suffix}' for suffix, _, _ in RGBT_CONDITIONS]
        if kind == task and filled & set(fused):
            single = [(k, f'{title} {what} only')
                      for k, what in ((rgb, 'RGB'), (ir, 'IR'))]
            cols += single + [(k, BENCHMARKS[k].title) for k in fused]
    return cols


def markdown_row(cells: list[str]) -> str:
    return '| ' + ' | '.join(cells) + ' |'


def results_table(title: str, cols: list[tuple[str, str]],
                  ours: dict[str, dict[str, float]],
                  notes: dict[tuple[str, str], str]) -> str:
    """A table of ``cols``: our rows, then the published ones, then a
    footnote per result marked ``*`` (its ``notes`` entry)."""
    lines = [title, '',
             markdown_row(['model'] + [t for _, t in cols] + ['source']),
             markdown_row(['---'] * (len(cols) + 2))]
    for model, row in ours.items():
        lines.append(markdown_row(
            [model] + [f'{row[k]:.2f}{"*" * ((model, k) in notes)}'
                       if k in row else '' for k, _ in cols]
            + ['this repository, files below']))
    for model, row, source in PUBLISHED:
        if any(k in row for k, _ in cols):
            lines.append(markdown_row(
                [model] + [row.get(k, '') for k, _ in cols] + [source]))
    titles = dict(cols)
    marked = [f'* {model}, {titles[k]}: {notes[model, k]}'
              for model, row in ours.items() for k in row
              if (model, k) in notes and k in titles]
    return '\n'.join(lines + ([''] + marked if marked else []))


def versus(model: dict[str, float], reference: dict[str, float]) -> dict:
    """Gain over ``reference`` per shared benchmark; retention on RGB ones.

    Returns:
        dict: ``{benchmark: (gain, retention percent or None)}``.
    """
    result = {}
    for key in model.keys() & reference.keys():
        retention = None
        if key in BENCHMARKS and BENCHMARKS[key].modality == 'RGB':
            if reference[key] <= 0:
                raise ValueError(f'the reference scores {reference[key]} on '
                                 f'{key}; its retention is undefined.')
            retention = 100 * model[key] / reference[key]
        result[key] = (model[key] - reference[key], retention)
    return result


def versus_table(task: str, table: dict, reference: str) -> str:
    """Gains (and RGB retention) of every model over ``reference``."""
    cols = [(k, t) for k, t in columns(task, table) if k in table[reference]]
    lines = [f'Gain over {reference}, {METRICS[task][2]}; on RGB also the '
             f'retention (UNIV claims >= {CLAIMED_RETENTION:.0f} %)', '',
             markdown_row(['model'] + [t for _, t in cols]),
             markdown_row(['---'] * (len(cols) + 1))]
    for model, row in table.items():
        if model == reference:
            continue
        gains = versus(row, table[reference])
        lines.append(markdown_row([model] + [
            '' if k not in gains else f'{gains[k][0]:+.2f}' + (
                '' if gains[k][1] is None else f' ({gains[k][1]:.1f} %)')
            for k, _ in cols]))
    return '\n'.join(lines)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        '--run', nargs=3, action='append', required=True,
        metavar=('MODEL', 'BENCHMARK', 'PATH'),
        help=f'one result; BENCHMARK is one of {list(BENCHMARKS)}')
    parser.add_argument('--reference', help='model to compare the others '
                        'with (gain, and RGB retention)')
    args = parser.parse_args(argv)
    unknown = {b for _, b, _ in args.run} - set(BENCHMARKS)
    if unknown:
        parser.error(f'unknown benchmark(s) {sorted(unknown)}; choose from '
                     f'{list(BENCHMARKS)}')
    if args.reference not in {None, *(m for m, _, _ in args.run)}:
        parser.error(f'--reference {args.reference!r} is none of the '
                     '--run models')
    return args


def main(argv: list[str] | None = None) -> dict[str, dict[str, float]]:
    args = parse_args(argv)
    table, sources, notes = read_runs(args.run)
    for task in METRICS:
        keys = dict(columns(task, table))
        ours = {model: {k: v for k, v in row.items() if k in keys}
                for model, row in table.items()}
        ours = {model: row for model, row in ours.items() if row}
        if ours:
            print(results_table(METRICS[task][2], columns(task, ours), ours,
                                notes))
            if args.reference in ours:
                print('\n' + versus_table(task, ours, args.reference))
            print()
        fused = rgbt_columns(task, table)
        if fused:
            print(results_table(f'RGB-T {METRICS[task][2]}', fused, table,
                                notes) + '\n')
    print('\n'.join(['read from:', *sources]))
    return table


if __name__ == '__main__':
    main()
