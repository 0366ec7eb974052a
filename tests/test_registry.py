"""``type='univ_mm.X'`` reaches our modules from other libraries' scopes."""
import pytest
from helpers import tiny_vit
from mmdet.registry import MODELS as MMDET_MODELS
from mmengine.registry import DefaultScope
from mmpretrain.registry import MODELS as MMPRETRAIN_MODELS
from mmseg.registry import MODELS as MMSEG_MODELS

from univ_mm.models import PCCLLoss, UNIVVisionTransformer
from univ_mm.registry import MODELS


@pytest.mark.parametrize('scope, registry', [
    ('mmseg', MMSEG_MODELS), ('mmdet', MMDET_MODELS),
    ('mmpretrain', MMPRETRAIN_MODELS)])
def test_scoped_type_builds_from_other_libraries(scope, registry):
    cfg = tiny_vit()
    cfg['type'] = 'univ_mm.UNIVVisionTransformer'
    with DefaultScope.overwrite_default_scope(scope):
        backbone = registry.build(cfg)
        loss = registry.build(dict(type='univ_mm.PCCLLoss'))
    assert isinstance(backbone, UNIVVisionTransformer)
    assert isinstance(loss, PCCLLoss)


def test_our_registry_is_a_child_of_mmengine():
    assert MODELS.scope == 'univ_mm'
    assert MODELS.parent is not None and MODELS.parent.scope == 'mmengine'
    # and it still finds MMEngine's own modules through the parent
    assert MODELS.get('BaseDataPreprocessor') is not None
