"""Shared fixtures."""
import pytest
from mmengine.registry import DefaultScope

import univ_mm  # noqa: F401
from univ_mm.checkpoint import use_safe_checkpoints

# the tests act as our tools do (tools/train.py, tools/test.py...)
use_safe_checkpoints()


@pytest.fixture(autouse=True)
def univ_mm_scope():
    """Run each test inside the ``univ_mm`` default scope."""
    with DefaultScope.overwrite_default_scope('univ_mm'):
        yield
