"""Speed/memory switches keep the loss: the runner's autocast, compile,
checkpointing."""
from contextlib import nullcontext

import pytest
import torch
from helpers import tiny_univ
from mmengine.runner import autocast

from univ_mm.registry import MODELS


def loss_and_grads(context=nullcontext(), **overrides
                   ) -> tuple[torch.Tensor, dict]:
    """Loss and LoRA gradients of one batch, from identically seeded models,
    the forward run inside ``context``."""
    torch.manual_seed(0)
    model = MODELS.build(tiny_univ(**overrides))
    model.init_weights()
    generator = torch.Generator().manual_seed(1)
    images = torch.randint(0, 256, (4, 3, 32, 32), generator=generator,
                           dtype=torch.uint8)
    data = model.data_preprocessor(
        dict(inputs=dict(rgb=images[:2], ir=images[2:])), True)
    with context:
        total, _ = model.parse_losses(model(**data, mode='loss'))
    total.backward()
    grads = {n: p.grad.clone() for n, p in model.named_parameters()
             if p.grad is not None}
    return total.detach(), grads


@pytest.fixture(scope='module')
def baseline():
    return loss_and_grads()


def assert_same(result, expected, rtol: float) -> None:
    (loss, grads), (loss_ref, grads_ref) = result, expected
    assert loss.item() == pytest.approx(loss_ref.item(), rel=rtol)
    assert grads.keys() == grads_ref.keys()
    for name, grad in grads.items():
        torch.testing.assert_close(grad, grads_ref[name], rtol=rtol,
                                   atol=rtol * grads_ref[name].abs().max())


def test_activation_checkpointing_is_exact(baseline):
    backbone = tiny_univ()['backbone']
    assert_same(loss_and_grads(backbone={**backbone, 'with_cp': True}),
                baseline, rtol=1e-6)


@pytest.mark.slow
def test_compiled_student_matches(baseline):
    # aot_eager traces with dynamo and AOTAutograd like the default inductor
    # backend, without its minute of C++ compilation on CPU
    compiled = dict(compile_student=dict(backend='aot_eager'))
    assert_same(loss_and_grads(**compiled), baseline, rtol=1e-5)
    model = MODELS.build(tiny_univ(**compiled))
    assert all(layer._compiled_call_impl is not None
               for layer in model.backbone.layers)
    assert not any('_orig_mod' in key for key in model.state_dict())


def test_bf16_autocast_stays_close(baseline):
    # the context AmpOptimWrapper(dtype='bfloat16') trains in and
    # ValLoop(fp16=True) validates in (on a CPU, fp16 means bf16)
    loss, grads = loss_and_grads(autocast(dtype=torch.bfloat16))
    assert loss.dtype == torch.float32
    assert loss.item() != baseline[0].item()  # bf16 did run
    assert loss.item() == pytest.approx(baseline[0].item(), rel=2e-2)
    assert grads.keys() == baseline[1].keys()
