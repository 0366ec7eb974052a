#!/usr/bin/env bash
# The GPU figures of the README's Performance section, in one run:
#   1. ViT-B/16, bf16 autocast, batch 32: step time, step / floor, TFLOP/s;
#   2. the input pipeline: per-core rates, the CPU path with WORKERS
#      dataloader workers and the GPU decode path (decode_on_device);
#   3. whether the pipeline keeps up with the step.
# Usage: tools/analysis/gpu_benchmark.sh [OUT_DIR]    (DRY_RUN=1: print only)
# Env: CONFIG, BATCH (32), WORKERS (16), PAIRS (256), DEVICE (cuda).
set -euo pipefail

OUT=${1:-work_dirs/gpu_benchmark}
CONFIG=${CONFIG:-configs/pretrain/univ_vit-b_mvip.py}
BATCH=${BATCH:-32}
WORKERS=${WORKERS:-16}
PAIRS=${PAIRS:-256}
DEVICE=${DEVICE:-cuda}
PYTHON=${PYTHON:-python}
BENCH="$PYTHON tools/analysis/benchmark_pretrain.py $CONFIG --device $DEVICE"

run() {
    echo "+ $*"
    if [ -z "${DRY_RUN:-}" ]; then "$@"; fi
}

mkdir -p "$OUT"
run nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv \
    | tee "$OUT/gpu.txt" || true
run $BENCH --batch-size "$BATCH" --pipeline-batches 0 --out "$OUT/step.json" \
    --cfg-options optim_wrapper.dtype=bfloat16 | tee "$OUT/step.txt"
run $BENCH --pipeline --pairs "$PAIRS" --workers "$WORKERS" \
    --worker-batches 20 --out "$OUT/pipeline.json" | tee "$OUT/pipeline.txt"
run $PYTHON - "$OUT" "$BATCH" <<'EOF'
import json, sys
from pathlib import Path
out, batch = Path(sys.argv[1]), int(sys.argv[2])
if not (out / 'pipeline.json').is_file():
    sys.exit(0)  # dry run
step = json.loads((out / 'step.json').read_text())
pipe = json.loads((out / 'pipeline.json').read_text())
need = batch / step['step']
print(f'step rate (batch {batch}, bf16): {need:.1f} pairs/s')
for workers, rate in pipe['workers'].items():
    print(f'CPU path, {workers} workers: {rate:.0f} pairs/s, keeps up: '
          f'{rate >= need} ({rate / need:.2f}x)')
rate = pipe['device_decode']
print(f'GPU decode path alone: {rate:.0f} pairs/s ({rate / need:.2f}x the '
      'step rate; it shares the GPU with the step)')
EOF
