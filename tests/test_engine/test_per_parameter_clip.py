"""Per-parameter gradient clipping against a hand computation."""
import pytest
import torch
from mmengine.logging import MessageHub

from univ_mm.engine.optimizers import clip_grad_per_parameter_
from univ_mm.registry import OPTIM_WRAPPERS

#: One gradient of norm 5 (scaled to 3), one of norm 0.5 (kept).
LARGE, SMALL = torch.tensor([3.0, 4.0]), torch.tensor([0.3, -0.4])
CLIPPED_LARGE = LARGE * 3.0 / (5.0 + 1e-6)


def two_parameters() -> torch.nn.ParameterList:
    return torch.nn.ParameterList([torch.nn.Parameter(torch.zeros(2)),
                                   torch.nn.Parameter(torch.zeros(2))])


def backward_known_gradients(params, scale: float = 1.0) -> torch.Tensor:
    """A loss whose gradients are ``LARGE`` and ``SMALL`` (x ``scale``)."""
    return scale * ((params[0] * LARGE).sum() + (params[1] * SMALL).sum())


def test_only_the_large_gradient_is_scaled():
    """The norms are compared exactly: 3, 4 and 0.3, -0.4 square and sum to
    25 and 0.25 without rounding on any kernel, and sqrt is correctly
    rounded; the clipped values go through ``assert_close``."""
    params = two_parameters()
    backward_known_gradients(params).backward()
    largest = clip_grad_per_parameter_(params, max_norm=3.0)
    torch.testing.assert_close(params[0].grad, CLIPPED_LARGE)
    torch.testing.assert_close(params[1].grad, SMALL)
    assert largest.item() == 5.0
    # MMEngine's global clipping would have scaled both by 3 / ||(g1, g2)||
    total = torch.cat([LARGE, SMALL]).norm()
    assert not torch.allclose(params[1].grad, SMALL * 3.0 / total)


def step(wrapper_type: str, clip_grad: dict) -> torch.nn.ParameterList:
    """One SGD step (lr 1, from zero) through a wrapper's update_params."""
    params = two_parameters()
    wrapper = OPTIM_WRAPPERS.build(dict(
        type=wrapper_type, optimizer=torch.optim.SGD(params, lr=1.0),
        clip_grad=clip_grad))
    wrapper.update_params(backward_known_gradients(params))
    return params


def test_optim_wrapper_clips_per_parameter_in_update_params():
    params = step('PerParameterClipOptimWrapper',
                  dict(type='per_parameter', max_norm=3.0))
    torch.testing.assert_close(params[0].data, -CLIPPED_LARGE)
    torch.testing.assert_close(params[1].data, -SMALL)
    logged = MessageHub.get_current_instance().get_scalar(
        'train/grad_norm_max')
    assert logged.current() == 5.0


def test_other_clip_types_keep_mmengines_meaning():
    params = step('PerParameterClipOptimWrapper', dict(max_norm=3.0))
    total = torch.cat([LARGE, SMALL]).norm()
    torch.testing.assert_close(params[1].data, -SMALL * 3.0 / total,
                               rtol=1e-5, atol=1e-6)


def test_amp_wrapper_clips_the_unscaled_gradients(monkeypatch):
    # AmpOptimWrapper refuses to build without an accelerator; on CPU its
    # GradScaler disables itself, so this checks the clipping path only
    monkeypatch.setattr(
        'mmengine.optim.optimizer.amp_optimizer_wrapper.is_cuda_available',
        lambda: True)
    params = step('PerParameterClipAmpOptimWrapper',
                  dict(type='per_parameter', max_norm=3.0))
    torch.testing.assert_close(params[0].data, -CLIPPED_LARGE)
    torch.testing.assert_close(params[1].data, -SMALL)


def test_foreach_clip_equals_the_per_tensor_rule():
    """Many gradients of several shapes and dtypes, some above the limit:
    the same factors as ``min(1, max_norm / (norm + eps))`` tensor by
    tensor."""
    torch.manual_seed(0)
    params = [torch.nn.Parameter(torch.zeros(shape, dtype=dtype))
              for shape in [(3, ), (4, 5), (2, 3, 4)] * 4
              for dtype in (torch.float32, torch.float64)]
    for i, param in enumerate(params):
        param.grad = torch.randn_like(param) * (i % 5)
    expected = []
    for param in params:
        norm = torch.linalg.vector_norm(param.grad)
        expected.append(param.grad * (3.0 / (norm + 1e-6)).clamp(max=1.0))
    largest = max(torch.linalg.vector_norm(p.grad).item() for p in params)
    assert clip_grad_per_parameter_(params, max_norm=3.0).item() == \
        pytest.approx(largest)
    for param, grad in zip(params, expected, strict=True):
        torch.testing.assert_close(param.grad, grad, rtol=1e-6, atol=0)
