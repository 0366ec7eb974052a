"""The Markdown tables of results: ours beside the published, RGB-T, and
the gains (and RGB retention) over a reference model."""
from .catalogue import (
    BENCHMARKS,
    CLAIMED_RETENTION,
    METRICS,
    PUBLISHED,
    RGBT_CONDITIONS,
    RGBT_SETS,
    RUN_ONLY,
    UNIP_MEAN,
)


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

