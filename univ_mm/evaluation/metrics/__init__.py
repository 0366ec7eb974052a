from .patch_retrieval import (
    PatchRetrievalMetric,
    class_retrieval,
    patch_retrieval,
)

__all__ = ['PatchRetrievalMetric', 'class_retrieval', 'patch_retrieval']
