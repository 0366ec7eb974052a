"""The markdown tables of ``projects/pccl_evidence/run.py``'s results
(its ``evidence.json``): a summary row per teacher, then per teacher the
downstream, alignment and PCCL diagnostics tables."""
import json
import statistics
from pathlib import Path


def modality_protocols(seg: dict) -> list[tuple[str, str]]:
    """The (modality, protocol) pairs of a teacher's downstream results,
    in their order."""
    return [(modality, protocol) for modality in seg
            for protocol in seg[modality]]


#: (metric, table label, scale) of the alignment rows.
ALIGNMENT_ROWS = (
    ('ir_top1', 'IR->RGB patch top-1 (%)', 100),
    ('ir_top5', 'IR->RGB patch top-5 (%)', 100),
    ('rgb_top1', 'RGB->RGB patch top-1 (%)', 100),
    ('ir_cos_aligned', 'IR->RGB cosine, same patch', 1),
    ('ir_cos_other', 'IR->RGB cosine, other patches', 1),
    ('rgb_cos_aligned', 'RGB->RGB cosine, same patch', 1),
    ('ir_class_top1', 'IR->RGB nearest patch of the same class (%)', 100),
    ('rgb_class_top1', 'RGB->RGB nearest patch of the same class (%)', 100),
    ('ir_class_chance', 'same class, random patch (%)', 100))


def _row(name: str, *cells: object) -> str:
    return '| ' + ' | '.join([name, *(
        f'{c:.2f}' if isinstance(c, float) else str(c) for c in cells)]) + ' |'


def _mean_std(values: list[float], sign: str = '') -> str:
    spread = statistics.stdev(values) if len(values) > 1 else 0.
    return f'{statistics.fmean(values):{sign}.2f} ± {spread:.2f}'


def seg_rows(seg: dict) -> list[str]:
    """Downstream rows: mean ± std over seeds; the change is the mean ± std
    of the per-seed differences (same seed: same head init, same data)."""
    lines = ['| measure (synthetic world) | teacher weights | UNIV weights '
             '| UNIV vs teacher |', '|---|---|---|---|']
    for modality, protocol in modality_protocols(seg):
        runs = seg[modality][protocol]
        pairs = list(zip(runs['teacher'], runs['univ'], strict=True))
        change = (_mean_std([u - t for t, u in pairs], '+') + ' mIoU'
                  if modality == 'ir' else
                  _mean_std([100 * u / t for t, u in pairs]) + ' % retained')
        lines.append(_row(f'{modality.upper()} mIoU (%), {protocol}',
                          _mean_std(runs['teacher']), _mean_std(runs['univ']),
                          change))
    return lines


def settings(result: dict, teacher: dict) -> str:
    """One line: what was run and with which seeds."""
    seeds, p = result['seeds'], result['params']
    overrides = ', '.join(f'{k}={v}' for k, v in
                          result['pccl_overrides'].items()) or 'none'
    return (f'Synthetic world, preset {result["preset"]}; PCCL lr '
            f'{teacher["pccl_lr"]:.3g}, {p["pccl_iters"]} iterations of '
            f'{p["batch"]} pairs, config overrides: {overrides}. Seeds: data '
            f'{seeds["data"]}, teacher and PCCL {seeds["teacher_and_pccl"]}, '
            f'downstream {seeds["downstream"]} (mean ± std over them).')


def teacher_table(result: dict, name: str) -> str:
    """One teacher's measured numbers as markdown tables."""
    teacher = result['teachers'][name]
    before, after = (teacher['alignment']['before'],
                     teacher['alignment']['after'])
    lines = [f'### Teacher: {name}', '', settings(result, teacher), ''
             ] + seg_rows(teacher['seg']) + [
        '', '| alignment, held-out pairs (synthetic world) | before PCCL '
        '(student = teacher) | after PCCL | change |', '|---|---|---|---|']
    for key, label, scale in ALIGNMENT_ROWS:
        lines.append(_row(label, scale * before[key], scale * after[key],
                          f'{scale * (after[key] - before[key]):+.2f}'))
    return '\n'.join(lines + ['', *diagnostics(teacher)])


#: The header of :func:`summary_table` and :func:`variant_table`.
SUMMARY_HEADER = [
    '| {} (synthetic world) | positives per row | precision (chance) | '
    'self-pairs | loss at teacher (from negatives) | RGB term at teacher | '
    'IR probe | IR fine-tune | RGB retained, probe / fine-tune | IR->RGB '
    'same place (%) | IR->RGB same class (%) | RGB->RGB same place (%) |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|']


def summary_row(label: str, teacher: dict) -> str:
    """One teacher's run in one row: pseudo pairs, loss at the teacher, UNIV
    vs teacher downstream and retrieval before -> after PCCL."""
    pairs, seg = teacher['pairs'], teacher['seg']
    before, after = (teacher['alignment']['before'],
                     teacher['alignment']['after'])
    change = {(modality, protocol): [
        u - t if modality == 'ir' else 100 * u / t for t, u in zip(
            seg[modality][protocol]['teacher'],
            seg[modality][protocol]['univ'], strict=True)]
        for modality, protocol in modality_protocols(seg)}
    return _row(
        label, pairs['positives_per_row'],
        f'{pairs["precision"]:.2f} ({pairs["chance"]:.2f})',
        pairs['self_pair_rate'],
        f'{pairs["loss_at_teacher"]:.3f} '
        f'({pairs["negative_loss_share"]:.0%})',
        f'{pairs["rgb_loss_at_teacher"]:.3f}',
        _mean_std(change['ir', 'linear probe'], '+'),
        _mean_std(change['ir', 'fine-tune'], '+'),
        f'{statistics.fmean(change["rgb", "linear probe"]):.2f} / '
        f'{statistics.fmean(change["rgb", "fine-tune"]):.2f} %',
        *(f'{100 * before[k]:.2f} -> {100 * after[k]:.2f}'
          for k in ('ir_top1', 'ir_class_top1', 'rgb_top1')))


def summary_table(result: dict) -> list[str]:
    """One :func:`summary_row` per teacher."""
    return [SUMMARY_HEADER[0].format('teacher'), SUMMARY_HEADER[1], *(
        summary_row(name, teacher)
        for name, teacher in result['teachers'].items())]


def variant_table(results: dict[str, dict], teacher: str) -> list[str]:
    """One :func:`summary_row` per run (label -> its ``evidence.json``) of
    ``teacher``: variants side by side, in the order given."""
    return [SUMMARY_HEADER[0].format(f'variant, {teacher} teacher'),
            SUMMARY_HEADER[1], *(
                summary_row(label, result['teachers'][teacher])
                for label, result in results.items())]


def evidence_tables(result: dict) -> str:
    """The measured numbers as markdown: the summary, then per teacher."""
    return '\n\n'.join(['\n'.join(summary_table(result)), *(
        teacher_table(result, name) for name in result['teachers'])])


def teacher_training(teacher: dict) -> str:
    """How the teacher stage went, in words."""
    if 'rgb_miou' in teacher:
        return f'RGB segmentation, val mIoU {teacher["rgb_miou"]:.2f} %'
    if 'mae_loss' in teacher:
        loss = teacher['mae_loss']
        return (f'masked-image pixel loss, first logged {loss["first"]:.3f}, '
                f'last {loss["last"]:.3f}')
    return f'reused {teacher["checkpoint"]}'


def diagnostics(result: dict) -> list[str]:
    """Pseudo-pair statistics and PCCL losses as a markdown table."""
    pairs, log = result['pairs'], result['pccl_log']
    num = result['alignment']['before']['chance_top1']**-1
    rows = {
        'teacher training': teacher_training(result['teacher']),
        'positives per row': f'{pairs["positives_per_row"]:.1f} of '
        f'{num:.0f} patches',
        'rows without positive': f'{pairs["empty_row_ratio"]:.3f}',
        "positives of the query's class (chance)":
        f'{pairs["precision"]:.2f} ({pairs["chance"]:.2f})',
        'rows pairing a patch with itself': f'{pairs["self_pair_rate"]:.2f}',
        'same-class negatives, other-class positives per row':
        f'{pairs["same_class_negatives_per_row"]:.1f}, '
        f'{pairs["other_class_positives_per_row"]:.1f}',
        'LoRA weights / backbone weights': f'{pairs["lora_share"]:.2%}',
        'PCCL loss of a student equal to the teacher (val world), share '
        'from negatives': f'{pairs["loss_at_teacher"]:.3f}, '
        f'{pairs["negative_loss_share"]:.0%}',
        'RGB term of a student equal to the teacher':
        f'{pairs["rgb_loss_at_teacher"]:.3f}',
        **{f'{k}: first logged, last': f'{log["first"][k]:.3f}, '
           f'{log["last"][k]:.3f}' for k in ('loss_rgb', 'loss_ir')}}
    return ['| PCCL diagnostics | value |', '|---|---|',
            *(f'| {k} | {v} |' for k, v in rows.items())]


def compare_runs(runs: list[str], teacher: str) -> str:
    """The :func:`variant_table` of ``LABEL=evidence.json`` runs."""
    results = {}
    for run in runs:
        label, _, path = run.partition('=')
        results[label] = json.loads(Path(path).read_text())
        if teacher not in results[label]['teachers']:
            raise SystemExit(f'{path} has no {teacher!r} teacher: it ran '
                             f'{sorted(results[label]["teachers"])}')
    return '\n'.join(variant_table(results, teacher))
