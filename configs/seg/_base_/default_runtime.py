# runtime settings shared by the segmentation benchmarks (MMSeg 1.x)
_base_ = 'mmseg::_base_/default_runtime.py'
# the backbone and the datasets are reached as type='univ_mm.X'; MMEngine's
# checkpoints made resumable on torch >= 2.6, weights-only and atomic
# (README, "What univ_mm changes in MMEngine")
custom_imports = dict(
    imports=['univ_mm.seg', 'univ_mm.engine.safe_checkpoints'],
    allow_failed_imports=False)
