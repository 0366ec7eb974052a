"""UNIV(compile_student=True) with inductor on the CPU: the same loss, and
no recompilation after warm-up."""
import pytest
import torch
from helpers import tiny_univ
from mmengine.registry import DefaultScope

from univ_mm.registry import MODELS

#: Inductor compiles C++ on the CPU: minutes for a tiny model.
pytestmark = pytest.mark.slow


def build(**overrides):
    with DefaultScope.overwrite_default_scope('univ_mm'):
        torch.manual_seed(0)
        model = MODELS.build(tiny_univ(**overrides)).train()
    for name, param in model.backbone.named_parameters():
        if 'lora_B' in name:  # trained LoRA, so it shows in the loss
            torch.nn.init.normal_(param, std=0.1)
    return model


def batches(count: int) -> list[dict]:
    torch.manual_seed(1)
    return [dict(rgb=torch.randn(2, 3, 32, 32), ir=torch.randn(2, 3, 32, 32))
            for _ in range(count)]


def loss_and_lora_grads(model, inputs):
    loss, _ = model.parse_losses(model.loss(inputs))
    loss.backward()
    grads = {n: p.grad.clone() for n, p in model.named_parameters()
             if p.grad is not None}
    model.zero_grad(set_to_none=True)
    return loss.detach(), grads


def test_inductor_student_matches_eager_without_recompiles(tmp_path,
                                                          monkeypatch):
    # a cache of this test's own: inductor's shared one in /tmp keys its
    # precompiled header without ATEN_CPU_CAPABILITY, so a header left by a
    # run under another capability breaks the compile (seen: 'at::vec has
    # not been declared' under ATEN_CPU_CAPABILITY=default)
    monkeypatch.setenv('TORCHINDUCTOR_CACHE_DIR', str(tmp_path))
    torch._dynamo.reset()
    eager = build()
    compiled = build(compile_student=True)  # inductor, the default backend
    compiled.load_state_dict(eager.state_dict())
    data = batches(3)
    # warm-up: the first call compiles each block (one graph, reused)
    loss, grads = loss_and_lora_grads(compiled, data[0])
    ref_loss, ref_grads = loss_and_lora_grads(eager, data[0])
    torch.testing.assert_close(loss, ref_loss, rtol=1e-5, atol=1e-6)
    assert grads.keys() == ref_grads.keys() and grads
    for name, grad in grads.items():
        torch.testing.assert_close(grad, ref_grads[name], rtol=1e-4,
                                   atol=1e-6)
    frames = torch._dynamo.utils.counters['stats']['unique_graphs']
    # new inputs of the same shapes, train and eval: nothing recompiles
    with torch._dynamo.config.patch(error_on_recompile=True):
        for inputs in data[1:]:
            loss, _ = loss_and_lora_grads(compiled, inputs)
            ref_loss, _ = loss_and_lora_grads(eager, inputs)
            torch.testing.assert_close(loss, ref_loss, rtol=1e-5,
                                       atol=1e-6)
    assert torch._dynamo.utils.counters['stats']['unique_graphs'] == frames
