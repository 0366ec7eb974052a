"""One prepared GPU check of the pre-training path (issue 26), offline.

About 8 minutes on one GPU, synthetic data, random weights; nothing is
downloaded. Sections (``--sections``, all by default):

- ``amp_clip``: the configs' AmpOptimWrapper (fp16, dynamic loss scale)
  over 30 steps on one batch: the norm the clip sees against the fp32
  gradient norm at the same weights (about 1 when the clip sees unscaled
  gradients, the loss scale when it does not; per-parameter clipping of the
  ConvMAE config: the largest per-parameter norm), and the steps skipped
  for inf/NaN gradients.
- ``throughput``: steps/s, pairs/s, peak memory and TFLOP/s of ViT-B and
  ConvMAE-B at 32 pairs, as configured (fp16), in bf16, and with the
  student's blocks compiled (``model.compile_student=True``).
- ``profile``: ViT-B's step under ``torch.profiler``: kernel time split
  into GEMM / attention / elementwise and other, attention kernels named.
- ``device_decode``: ms per 32 pairs (640x512 JPEGs) of
  ``PairedDataPreprocessor(decode_on_device=True)``.
- ``train_val``: a runner's train + validation cycle with the training
  pipeline decoding on the device and validation on the CPU.

``--dry-run`` runs every section on the CPU with tiny models and a few
steps; what needs CUDA is reported as skipped, with the reason. Results:
``OUT/gpu_check.json`` and a table, printed and in ``OUT/gpu_check.txt``.

Example::

    .venv/bin/python tools/analysis/gpu_check.py --out work_dirs/gpu_check
"""
import argparse
from pathlib import Path

from univ_mm.benchmarks.gpu_check import SECTIONS


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line (before torch is imported)."""
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog='\n'.join(__doc__.splitlines()[1:]))
    parser.add_argument('--out', type=Path, required=True,
                        help='folder for gpu_check.json and gpu_check.txt')
    parser.add_argument('--dry-run', action='store_true',
                        help='CPU, tiny models, few steps: every section '
                        'exercised, CUDA-only parts reported as skipped')
    parser.add_argument('--sections', nargs='+', choices=list(SECTIONS),
                        default=list(SECTIONS))
    parser.add_argument('--batch', type=int, help='pairs per step '
                        '(default 32; dry run 2)')
    parser.add_argument('--amp-steps', type=int,
                        help='steps of amp_clip (default 30; dry run 3)')
    parser.add_argument('--timed-steps', type=int,
                        help='timed steps per throughput variant, after 3 '
                        'warm-up steps (default 10; dry run 2)')
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run the sections, print and write the results; 1 if one failed."""
    args = parse_args(argv)
    # the sections load torch as they run: --help is instant
    from univ_mm.benchmarks.gpu_check import (
        failed_sections,
        run_sections,
        write_results,
    )
    args.out.mkdir(parents=True, exist_ok=True)
    results = run_sections(args)
    print(write_results(results, args.out))
    return 1 if failed_sections(results) else 0


if __name__ == '__main__':
    raise SystemExit(main())
