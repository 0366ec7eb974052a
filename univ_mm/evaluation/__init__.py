"""Metrics of UNIV: cross-modal patch alignment, pseudo-pair statistics."""
from .metrics import PatchRetrievalMetric, class_retrieval, patch_retrieval
from .pseudo_pair_statistics import pseudo_pair_statistics

__all__ = ['PatchRetrievalMetric', 'class_retrieval', 'patch_retrieval',
           'pseudo_pair_statistics']
