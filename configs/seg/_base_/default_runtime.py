# runtime settings shared by the segmentation benchmarks (MMSeg 1.x)
_base_ = 'mmseg::_base_/default_runtime.py'
custom_imports = dict(
    imports=['univ_mm.seg', 'univ_mm.engine.safe_checkpoints'],
    allow_failed_imports=False)
