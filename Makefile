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

.PHONY: setup demo demo-downstream evidence evidence-variants test test-fast lint

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
	$(PY) projects/pccl_evidence/run.py --out-dir $(EVIDENCE_DIR) \
		--teachers $(TEACHERS)

# Third round (projects/pccl_evidence/README.md#third-round-an-rgb-term-with-the-teacher-as-its-fixed-point):
# the official PCCL and four variants on one MAE teacher, then one table
VARIANTS_DIR := work_dirs/evidence_variants
VARIANT_RUN := $(PY) projects/pccl_evidence/run.py --teachers mae
VARIANT_TEACHER := --teacher $(VARIANTS_DIR)/official/mae/teacher/iter_600.pth
BIAS := model.head.loss.learnable_bias=True \
	optim_wrapper.paramwise_cfg.custom_keys.logit_bias.lr_mult=1000 \
	optim_wrapper.paramwise_cfg.custom_keys.logit_bias.decay_mult=0
SOFT := model.head.rgb_term=soft_pairs
TOKENS := model.head.rgb_term=token_cosine
evidence-variants: setup
	$(VARIANT_RUN) --out-dir $(VARIANTS_DIR)/official
	$(VARIANT_RUN) --out-dir $(VARIANTS_DIR)/bias $(VARIANT_TEACHER) \
		--cfg-options $(BIAS)
	$(VARIANT_RUN) --out-dir $(VARIANTS_DIR)/soft $(VARIANT_TEACHER) \
		--cfg-options $(SOFT)
	$(VARIANT_RUN) --out-dir $(VARIANTS_DIR)/tokens $(VARIANT_TEACHER) \
		--cfg-options $(TOKENS)
	$(VARIANT_RUN) --out-dir $(VARIANTS_DIR)/bias+soft $(VARIANT_TEACHER) \
		--cfg-options $(BIAS) $(SOFT)
	$(VARIANT_RUN) --compare $(foreach v,official bias soft tokens bias+soft,\
		$(v)=$(VARIANTS_DIR)/$(v)/evidence.json)

lint: setup
	$(PY) -m ruff check .

# everything, and the 15 slowest tests so their cost stays visible
test: lint
	$(PY) -m pytest -q --durations=15

# the unit tests only: no training runs, tools end to end or subprocesses
test-fast: lint
	$(PY) -m pytest -q -m "not slow" --durations=15

# The newcomer's journey after `make demo`, on CPU: the demo's export
# fine-tuned for segmentation and detection on the labelled synthetic world,
# tested, one picture each, and the comparison table
JOURNEY_DATA := data/synthetic_downstream
JOURNEY_SEG := configs/seg/fcn_univ-vit-t-p16_1xb8-300_synthetic-ir-112x112.py
JOURNEY_DET := configs/det/faster-rcnn_univ-vit-t-p16-sfp_1xb4-300_synthetic-ir-160x128.py
JOURNEY_IMAGE := $(JOURNEY_DATA)/ir/img_dir/test/synth_day_000127.png
demo-downstream: setup
	test -f $(DEMO_WORK_DIR)/univ_backbone_iter_160.pth || $(MAKE) demo
	$(PY) tools/misc/generate_synthetic_mvip.py data/synthetic_labelled \
		--with-labels > /dev/null
	$(PY) tools/dataset_converters/synthetic.py data/synthetic_labelled \
		-o $(JOURNEY_DATA) > /dev/null
	$(PY) tools/train.py $(JOURNEY_SEG) --work-dir work_dirs/demo_seg
	$(PY) tools/test.py $(JOURNEY_SEG) work_dirs/demo_seg/iter_300.pth \
		--work-dir work_dirs/demo_seg/test
	$(PY) tools/inference_seg.py $(JOURNEY_IMAGE) $(JOURNEY_SEG) \
		work_dirs/demo_seg/iter_300.pth --device cpu \
		--out-dir work_dirs/demo_seg/pictures
	$(PY) tools/train.py $(JOURNEY_DET) --work-dir work_dirs/demo_det
	$(PY) tools/test.py $(JOURNEY_DET) work_dirs/demo_det/iter_300.pth \
		--work-dir work_dirs/demo_det/test
	$(PY) tools/inference_det.py $(JOURNEY_IMAGE) $(JOURNEY_DET) \
		work_dirs/demo_det/iter_300.pth \
		--out-file work_dirs/demo_det/pictures/synth_day_000127.png
	$(PY) tools/analysis/compare_seg.py \
		--run 'UNIV (demo)' synthetic-ir work_dirs/demo_seg/test \
		--run 'UNIV (demo)' synthetic-det-ir work_dirs/demo_det/test
