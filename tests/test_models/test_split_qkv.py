"""Queries, keys and values split as views: the same attention and
gradients as MMPretrain's indexing, without its full-size gradients."""
import torch
from helpers import tiny_vit
from mmpretrain.models.utils import MultiheadAttention

from univ_mm.models.backbones.pccl_tokens import split_qkv
from univ_mm.models.backbones.univ_vit import SplitQKVAttention
from univ_mm.registry import MODELS


def test_split_qkv_matches_the_permuted_indexing():
    qkv = torch.randn(2, 5, 3 * 4 * 6)
    reference = qkv.reshape(2, 5, 3, 4, 6).permute(2, 0, 3, 1, 4)
    for view, expected in zip(split_qkv(qkv, 4), reference, strict=True):
        assert view.shape == (2, 4, 5, 6)
        assert view.data_ptr() >= qkv.data_ptr()  # a view, no copy
        torch.testing.assert_close(view, expected, rtol=0, atol=0)


def test_backward_writes_no_select_gradients():
    qkv = torch.randn(2, 5, 3 * 4 * 6, requires_grad=True)
    q, k, v = split_qkv(qkv, 4)
    out = torch.nn.functional.scaled_dot_product_attention(q, k, v)
    names = set()
    node = out.grad_fn
    while node is not None and node.next_functions:
        names.add(type(node).__name__)
        node = node.next_functions[0][0]
    assert not any('Select' in name for name in names)


def test_vit_attention_equals_mmpretrains_with_lora_gradients():
    torch.manual_seed(0)
    model = MODELS.build(tiny_vit(lora_cfg=dict(lora_dropout=0)))
    for name, param in model.named_parameters():
        if 'lora_B' in name:
            torch.nn.init.normal_(param, std=0.1)
    attn = model.layers[0].attn
    assert type(attn) is SplitQKVAttention
    x = torch.randn(2, 17, 32)
    results = []
    for forward in (SplitQKVAttention.forward, MultiheadAttention.forward):
        model.zero_grad()
        out = forward(attn, x)
        out.square().sum().backward()
        grads = {n: p.grad.clone() for n, p in attn.named_parameters()
                 if p.grad is not None}
        results.append(dict(grads, out=out.detach()))
    ours, theirs = results
    assert ours.keys() == theirs.keys() and len(ours) > 1
    for name in ours:
        torch.testing.assert_close(ours[name], theirs[name], rtol=1e-5,
                                   atol=1e-6)
