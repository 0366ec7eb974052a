#!/usr/bin/env bash
# The GPU figures of docs/en/gpu.md and docs/en/benchmarks.md, in one run:
#   1. ViT-B/16 at batch 32 in the config's precision (fp16 autocast with a
#      dynamic loss scaler) and, as a variant, bf16: step time, step / floor,
#      TFLOP/s (fused attention counted on every device: gpu_check.py's
#      FLOP rule for the CPU kernel, torch's own for the CUDA ones);
#   2. the input pipeline: per-core rates on smooth and high-entropy pairs,
#      the CPU path with WORKERS dataloader workers (timed after warm-up over
#      10 x WORKERS batches) and the GPU decode path (decode_on_device; JPEG
#      pairs only);
#   3. whether the pipeline keeps up with the step.
# Usage: tools/analysis/gpu_benchmark.sh [OUT_DIR]    (DRY_RUN=1: print only)
# Env: CONFIG, BATCH (32), WORKERS (16), PAIRS (256), DEVICE (cuda),
#      PYTHON (default: the project's .venv/bin/python), CFG_OPTIONS (extra
#      --cfg-options of every run, space-separated). A CPU run through:
#   CFG_OPTIONS="model.backbone.arch=deit-t model.teacher.arch=deit-t" \
#   DEVICE=cpu BATCH=2 WORKERS=1 PAIRS=4 tools/analysis/gpu_benchmark.sh
set -euo pipefail

cd "$(dirname "$0")/../.."
OUT=${1:-work_dirs/gpu_benchmark}
CONFIG=${CONFIG:-configs/pretrain/univ_vit-b_mvip.py}
BATCH=${BATCH:-32}
WORKERS=${WORKERS:-16}
PAIRS=${PAIRS:-256}
DEVICE=${DEVICE:-cuda}
PYTHON=${PYTHON:-.venv/bin/python}
WORKER_BATCHES=$((WORKERS > 0 ? 10 * WORKERS : 10))
read -r -a OPTIONS <<< "${CFG_OPTIONS:-}"

if ! "$PYTHON" -c 'import torch, mmengine, univ_mm' 2>/dev/null; then
    echo "gpu_benchmark.sh: $PYTHON cannot import torch, mmengine and" \
        "univ_mm: run 'make setup' first, or set PYTHON to the" \
        "interpreter of an environment that has the stack." >&2
    exit 2
fi

# benchmark_pretrain.py with the CPU's fused attention counted in its FLOPs
BENCH=("$PYTHON" -c 'import runpy, sys
sys.path.insert(0, "tools/analysis")
from gpu_check import register_cpu_attention_flops
register_cpu_attention_flops()
sys.argv = sys.argv[1:]
runpy.run_path(sys.argv[0], run_name="__main__")'
    tools/analysis/benchmark_pretrain.py "$CONFIG" --device "$DEVICE"
    --cfg-options model.teacher.init_cfg=None ${OPTIONS[@]+"${OPTIONS[@]}"})

run() {
    echo "+ $*"
    if [ -z "${DRY_RUN:-}" ]; then "$@"; fi
}

mkdir -p "$OUT"
if command -v nvidia-smi >/dev/null; then
    run nvidia-smi --query-gpu=name,memory.total,driver_version \
        --format=csv | tee "$OUT/gpu.txt"
fi
run "${BENCH[@]}" --batch-size "$BATCH" --pipeline-batches 0 \
    --out "$OUT/step.json" | tee "$OUT/step.txt"
run "${BENCH[@]}" --batch-size "$BATCH" --pipeline-batches 0 \
    --out "$OUT/step_bf16.json" --cfg-options optim_wrapper.dtype=bfloat16 \
    | tee "$OUT/step_bf16.txt"
run "${BENCH[@]}" --pipeline --pairs "$PAIRS" --workers "$WORKERS" \
    --worker-batches "$WORKER_BATCHES" --out "$OUT/pipeline.json" \
    | tee "$OUT/pipeline.txt"
run "$PYTHON" - "$OUT" "$BATCH" "$DEVICE" <<'EOF'
import json, sys
from pathlib import Path
out, batch = Path(sys.argv[1]), int(sys.argv[2])
if sys.argv[3] == 'cpu':
    print('on a CPU both steps ran in fp32: AmpOptimWrapper needs a GPU')
if not (out / 'pipeline.json').is_file():
    sys.exit(0)  # dry run
pipe = json.loads((out / 'pipeline.json').read_text())
need = None
for name, label in (('step.json', 'as configured (fp16, loss scaler)'),
                    ('step_bf16.json', 'bf16 variant')):
    step = json.loads((out / name).read_text())
    rate = batch / step['step']
    need = need or rate
    print(f'step rate {label}, batch {batch}: {rate:.1f} pairs/s, '
          f"{step['step_flops'] / step['step'] / 1e12:.1f} TFLOP/s")
print('pipeline against the configured step rate:')
for workers, rate in pipe['workers'].items():
    print(f'  CPU path, {workers} workers: {rate:.0f} pairs/s, keeps up: '
          f'{rate >= need} ({rate / need:.2f}x)')
rate = pipe['device_decode']
if rate is None:
    print('  GPU decode path: not measured (the pairs are not JPEG files)')
else:
    print(f'  GPU decode path alone: {rate:.0f} pairs/s ({rate / need:.2f}x '
          'the step rate; it shares the GPU with the step)')
EOF
