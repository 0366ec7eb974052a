"""UNIV's numbers and checkpoint layout, bit for bit, against a record.

``tests/data/univ_regression.json`` was written by this module's
:func:`record` on the code before UNIV was reshaped into algorithm + head
(commit 5c616b0): two AdamW train steps of tiny ViT and ConvMAE models on a
fixed seed (logged losses and pair statistics, the trained LoRA weights),
the validation tokens, and the ordered state-dict keys with their shapes
(what a checkpoint holds, in the order the optimizer state refers to).
Refactors must reproduce it exactly; regenerate it only for a change meant
to alter the numbers:
``PYTHONPATH=.:tests python tests/test_models/test_univ_regression.py``.
"""
import json
from pathlib import Path

import pytest
import torch
from helpers import tiny_univ, tiny_vit
from mmengine.optim import OptimWrapper
from mmengine.registry import DefaultScope

from univ_mm.registry import MODELS

RECORD = Path(__file__).parents[1] / 'data' / 'univ_regression.json'
#: arch -> (backbone config, image size): tiny ViT (16 tokens at 32 px)
#: and the test-sized ConvMAE (16 tokens at 64 px).
ARCHS = dict(
    vit=(tiny_vit(), 32),
    convmae=(dict(type='UNIVConvMAE', arch='tiny', img_size=64,
                  out_indices=(2, )), 64),
)


def _hex(value: torch.Tensor) -> str:
    """Exact text of a scalar: float64 holds every float32 bit."""
    return float(value.detach().double()).hex()


def _batch(size: int) -> dict:
    generator = torch.Generator().manual_seed(3)
    images = torch.randint(0, 256, (2, 2, 3, size, size),
                           generator=generator, dtype=torch.uint8)
    return dict(inputs=dict(rgb=list(images[0]), ir=list(images[1])),
                data_samples=None)


def record(arch: str) -> dict:
    """The numbers of two train steps and one validation step of ``arch``.

    Returns:
        dict: ``steps`` (the logged values of each step), ``lora`` (sum of
        the trainable weights after training), ``tokens`` (sums of squares
        of the validation tokens), ``state_dict`` (ordered ``key [shape]``).
    """
    backbone, size = ARCHS[arch]
    torch.manual_seed(0)
    model = MODELS.build(tiny_univ(
        backbone=dict(backbone, lora_cfg=dict(lora_dropout=0.1)),
        teacher=backbone))
    model.init_weights()
    wrapper = OptimWrapper(torch.optim.AdamW(
        [p for p in model.parameters() if p.requires_grad], lr=1e-2))
    model.train()
    steps = [{k: _hex(v) for k, v in model.train_step(
        _batch(size), wrapper).items()} for _ in range(2)]
    lora = sum(p.detach().double().sum() for p in model.parameters()
               if p.requires_grad)
    model.eval()
    samples = model.val_step(_batch(size))
    tokens = {key: _hex(sum(s.get(key).double().square().sum()
                            for s in samples))
              for key in ('teacher_tokens', 'rgb_tokens', 'ir_tokens')}
    layout = [f'{k} {list(v.shape)}' for k, v in model.state_dict().items()]
    return dict(steps=steps, lora=_hex(lora), tokens=tokens,
                state_dict=layout)


@pytest.mark.parametrize('arch', ARCHS)
def test_univ_reproduces_the_record_bit_for_bit(arch):
    expected = json.loads(RECORD.read_text())[arch]
    result = record(arch)
    assert result['state_dict'] == expected['state_dict']
    assert result['steps'] == expected['steps']
    assert result['lora'] == expected['lora']
    assert result['tokens'] == expected['tokens']


if __name__ == '__main__':
    import univ_mm  # noqa: F401
    with DefaultScope.overwrite_default_scope('univ_mm'):
        RECORD.parent.mkdir(exist_ok=True)
        RECORD.write_text(json.dumps({a: record(a) for a in ARCHS},
                                     indent=1) + '\n')
