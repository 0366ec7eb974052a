"""Metrics of UNIV: cross-modal patch alignment."""
from .metrics import PatchRetrievalMetric, class_retrieval, patch_retrieval

__all__ = ['PatchRetrievalMetric', 'class_retrieval', 'patch_retrieval']
