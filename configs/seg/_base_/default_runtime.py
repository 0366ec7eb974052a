# runtime settings shared by the segmentation benchmarks (MMSeg 1.x)
_base_ = 'mmseg::_base_/default_runtime.py'
# the backbone and the datasets are reached as type='univ_mm.X'
custom_imports = dict(imports=['univ_mm'], allow_failed_imports=False)
