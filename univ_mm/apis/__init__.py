"""Inference on one image, behind ``tools/inference_seg.py``,
``tools/inference_det.py`` and ``tools/visualize_pccl.py`` (the MMSeg and
MMDet pattern: the tools parse and print, these run). Torch and the
OpenMMLab stacks load on first call, not on import."""
from .det_inference import detect_image
from .pccl_pictures import visualize_pccl
from .seg_inference import Segmentation, segment_image

__all__ = ['Segmentation', 'detect_image', 'segment_image', 'visualize_pccl']
