"""Metrics of UNIV: cross-modal patch alignment."""
from .metrics import PatchRetrievalMetric, patch_retrieval

__all__ = ['PatchRetrievalMetric', 'patch_retrieval']
