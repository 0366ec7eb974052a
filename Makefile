# Two commands for a fresh machine: `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
# torch/torchvision come from the package registry only: a local CPU-only
# torch wheel (PIP_FIND_LINKS, user pip.conf) breaks torchvision's wheel.
PIP_REGISTRY := env -u PIP_FIND_LINKS PIP_CONFIG_FILE=/dev/null $(PIP)
CONSTRAINTS := -c requirements/constraints.txt
STAMP := $(VENV)/.setup-complete
DEMO_DATA := data/synthetic_mvip
DEMO_CONFIG := configs/pretrain/univ_vit-t_synthetic-demo.py
DEMO_WORK_DIR := work_dirs/demo
EVIDENCE_DIR := work_dirs/evidence
STACK_CHECK := import torch, torchvision, mmcv.ops, mmseg.models, \
	mmdet.models, mmpretrain.models, peft, univ_mm; \
	print('stack ok: torch', torch.__version__, 'mmcv', mmcv.__version__)

.PHONY: setup demo evidence test test-fast lint

setup: $(STAMP)

$(STAMP): setup.py requirements/*.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP_REGISTRY) install -q -r requirements/torch.txt
	$(PIP) install -q $(CONSTRAINTS) -r requirements/build.txt
	# mmcv's ops: CPU only without an NVIDIA driver; with one, a driver
	# check and a CUDA build from a cache of its own (never a CPU wheel)
	mmcv_env=$$($(PY) tools/misc/check_cuda_setup.py) && \
		env $$mmcv_env MAX_JOBS=$$(nproc) $(PIP) install -q \
		--no-build-isolation $(CONSTRAINTS) -r requirements/mmcv.txt
	$(PIP) install -q $(CONSTRAINTS) -r requirements/runtime.txt \
		-r requirements/tests.txt
	$(PIP) install -q --no-build-isolation --no-deps -e .
	$(PY) -c "$(STACK_CHECK)"
	touch $(STAMP)

demo: setup
	$(PY) tools/misc/generate_synthetic_mvip.py $(DEMO_DATA)
	$(PY) tools/train.py $(DEMO_CONFIG) --work-dir $(DEMO_WORK_DIR)
	$(PY) tools/analysis/summarize_run.py $(DEMO_WORK_DIR)

# PCCL at toy scale on CPU, for three teachers (supervised ViT, MAE ViT,
# ConvMAE; TEACHERS=mae runs one): teacher, UNIV, thermal/RGB segmentation,
# alignment; prints the tables, writes evidence.md
TEACHERS ?= supervised mae convmae
evidence: setup
	$(PY) tools/analysis/pccl_evidence.py --out-dir $(EVIDENCE_DIR) \
		--teachers $(TEACHERS)

lint: setup
	$(PY) -m ruff check .

# everything, and the 15 slowest tests so their cost stays visible
test: lint
	$(PY) -m pytest -q --durations=15

# the unit tests only: no training runs, tools end to end or subprocesses
test-fast: lint
	$(PY) -m pytest -q -m "not slow" --durations=15
