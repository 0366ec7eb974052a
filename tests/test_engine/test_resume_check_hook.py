"""ResumeCheckHook: a checkpoint of another model is refused, named."""
from types import SimpleNamespace

import pytest
from helpers import TINY_ARCH, tiny_vit
from mmengine.config import Config

from univ_mm.engine.hooks import ResumeCheckHook
from univ_mm.registry import MODELS


def vit(**arch):
    return MODELS.build(dict(tiny_vit(), arch=dict(TINY_ARCH, **arch)))


def resume(model, checkpoint_model) -> None:
    runner = SimpleNamespace(model=model,
                             cfg=Config(dict(load_from='work/iter_4.pth')))
    ResumeCheckHook().after_load_checkpoint(
        runner, dict(state_dict=checkpoint_model.state_dict()))


def test_the_same_model_resumes():
    resume(vit(), vit())


def test_a_wider_model_is_refused_naming_the_first_weights():
    with pytest.raises(ValueError) as error:
        resume(vit(embed_dims=48), vit())
    message = str(error.value)
    assert 'work/iter_4.pth was saved by another model' in message
    assert 'cls_token: checkpoint (1, 1, 32), model (1, 1, 48)' in message


def test_a_deeper_model_is_refused_naming_the_missing_weights():
    with pytest.raises(ValueError, match=r'layers\.2\.\S+: only in the '
                       'model'):
        resume(vit(num_layers=3), vit())
