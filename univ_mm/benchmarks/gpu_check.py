"""One prepared GPU check of the pre-training path, offline, behind
``tools/analysis/gpu_check.py`` (the sections: its ``--help``): every
section records ok, skipped (why) or failed, and the results become a text
table and a JSON file. Torch loads when the sections run, not on import.
"""
import argparse
import json
import time
import traceback
from pathlib import Path

from .gpu_check_data import device_decode, train_val
from .gpu_check_setup import Check, Skipped
from .gpu_check_training import amp_clip, profile, throughput

#: The sections, by name, in the order they run.
SECTIONS = {'amp_clip': amp_clip, 'throughput': throughput,
            'profile': profile, 'device_decode': device_decode,
            'train_val': train_val}


def run_sections(args: argparse.Namespace) -> dict:
    """Every chosen section; each records ok, skipped (why) or failed."""
    check = Check(args)
    results = dict(dry_run=check.dry, device=str(check.device),
                   batch=check.batch, sections={})
    if check.cuda:
        results['gpu'] = check.torch.cuda.get_device_name()
    results['torch'] = check.torch.__version__
    for name in args.sections:
        begin = time.perf_counter()
        try:
            if not check.cuda and not check.dry:
                raise Skipped('no CUDA device (use --dry-run on a CPU)')
            section = dict(status='ok', **SECTIONS[name](check))
        except Skipped as err:
            section = dict(status='skipped', reason=str(err))
        except Exception as err:
            section = dict(status='failed', error=repr(err)[:500],
                           traceback=traceback.format_exc()[-2000:])
        section['seconds'] = time.perf_counter() - begin
        results['sections'][name] = section
        print(f'[{name}] {section["status"]} in {section["seconds"]:.1f} s',
              flush=True)
    return results


def format_value(value: object) -> str:
    """A figure of the table: '-' for None, four digits for a float."""
    if value is None:
        return '-'
    if isinstance(value, float):
        return f'{value:.4g}'
    return str(value)


def results_table(results: dict) -> str:
    """The results as aligned text lines."""
    lines = [f"gpu_check: device {results['device']}"
             f"{' (' + results['gpu'] + ')' if 'gpu' in results else ''}, "
             f"torch {results['torch']}, batch {results['batch']} pairs"
             f"{', DRY RUN (tiny models, CPU)' if results['dry_run'] else ''}"]
    for name, section in results['sections'].items():
        lines.append(f"== {name}: {section['status']} "
                     f"({section['seconds']:.1f} s)")
        if section['status'] != 'ok':
            lines.append(f"   {section.get('reason') or section['error']}")
            continue
        for key, value in section.items():
            if key in ('status', 'seconds'):
                continue
            if isinstance(value, dict):
                lines.append(f'   {key}: ' + ', '.join(
                    f'{k}={format_value(v)}' for k, v in value.items()))
            else:
                lines.append(f'   {key}: {format_value(value)}')
    return '\n'.join(lines)


def write_results(results: dict, out: Path) -> str:
    """Write ``out/gpu_check.json`` and the :func:`results_table` to
    ``out/gpu_check.txt``; return the table."""
    text = results_table(results)
    (out / 'gpu_check.json').write_text(json.dumps(results, indent=2))
    (out / 'gpu_check.txt').write_text(text + '\n')
    return text


def failed_sections(results: dict) -> list[str]:
    """The names of the sections that failed."""
    return [name for name, section in results['sections'].items()
            if section['status'] == 'failed']
