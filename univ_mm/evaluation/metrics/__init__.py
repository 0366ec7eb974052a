from .patch_retrieval import PatchRetrievalMetric, patch_retrieval

__all__ = ['PatchRetrievalMetric', 'patch_retrieval']
