#!/usr/bin/env bash
# Usage: tools/dist_launch.sh NUM_PROCESSES SCRIPT [script arguments]
# Runs tools/SCRIPT under torchrun. Multi-node: set NNODES, NODE_RANK,
# MASTER_ADDR and PORT on every node; PYTHON picks the interpreter.
set -euo pipefail
NPROC=$1
SCRIPT=$2
shift 2
TOOLS_DIR=$(cd "$(dirname "$0")" && pwd)
exec "${PYTHON:-python}" -m torch.distributed.run \
    --nnodes="${NNODES:-1}" \
    --node_rank="${NODE_RANK:-0}" \
    --master_addr="${MASTER_ADDR:-127.0.0.1}" \
    --master_port="${PORT:-29500}" \
    --nproc_per_node="$NPROC" \
    "$TOOLS_DIR/$SCRIPT" "$@" --launcher pytorch
