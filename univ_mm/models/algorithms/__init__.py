from .univ import UNIV

__all__ = ['UNIV']
