"""PCCLLoss: pseudo pairs, the loss value, precision and batch locality."""
import math

import pytest
import torch

from univ_mm.models.heads.pseudo_pair_statistics import pseudo_pair_statistics
from univ_mm.models.losses import PCCLLoss


def one_head(rows: list[list[float]]) -> torch.Tensor:
    """Attention ``[1, 1, N, N]`` from hand-written rows."""
    return torch.tensor(rows).view(1, 1, len(rows), len(rows))


def reference_pairs(attn: torch.Tensor, threshold: float,
                    keep_top1: bool = False) -> torch.Tensor:
    """The spec's rule, one row at a time in plain Python."""
    weights = attn.double().mean(1)
    pairs = torch.zeros_like(weights)
    for b, i in torch.cartesian_prod(torch.arange(weights.shape[0]),
                                     torch.arange(weights.shape[1])):
        total = 0.0
        for rank, j in enumerate(weights[b, i].argsort(descending=True)):
            total += weights[b, i, j].item()
            if total <= threshold or (keep_top1 and rank == 0):
                pairs[b, i, j] = 1
    return pairs.float()


def test_boundary_is_inclusive():
    # cumulative sums 0.5, 0.75, 0.875, 1.0: exactly representable
    attn = one_head([[0.125, 0.5, 0.125, 0.25]] * 4)
    pairs = PCCLLoss(threshold=0.75).pseudo_pairs(attn)
    assert pairs[0, 0].tolist() == [0, 1, 0, 1]
    below = PCCLLoss(threshold=0.74).pseudo_pairs(attn)
    assert below[0, 0].tolist() == [0, 1, 0, 0]


def test_row_whose_top_key_exceeds_threshold_has_no_positive():
    rows = [[0.75, 0.125, 0.0625, 0.0625], [0.25, 0.5, 0.125, 0.125],
            [0.25] * 4, [0.0625, 0.0625, 0.125, 0.75]]
    loss = PCCLLoss(threshold=0.6)
    pairs = loss.pseudo_pairs(one_head(rows))
    assert pairs[0].sum(-1).tolist() == [0, 1, 2, 0]
    stats = pseudo_pair_statistics(pairs)
    assert stats['empty_row_ratio'].item() == 0.5
    assert stats['positives_per_row'].item() == 0.75


def test_keep_top1_variant_fills_empty_rows():
    rows = [[0.75, 0.125, 0.0625, 0.0625], [0.25, 0.5, 0.125, 0.125],
            [0.25] * 4, [0.0625, 0.0625, 0.125, 0.75]]
    pairs = PCCLLoss(threshold=0.6, keep_top1=True).pseudo_pairs(
        one_head(rows))
    assert pairs[0, 0].tolist() == [1, 0, 0, 0]
    assert pairs[0, 3].tolist() == [0, 0, 0, 1]


@pytest.mark.parametrize('keep_top1', [False, True])
def test_pairs_match_reference_on_random_multi_head_attention(keep_top1):
    torch.manual_seed(0)
    attn = (torch.randn(2, 3, 9, 9) * 2).softmax(-1)
    pairs = PCCLLoss(threshold=0.6, keep_top1=keep_top1).pseudo_pairs(attn)
    assert torch.equal(pairs, reference_pairs(attn, 0.6, keep_top1))


def test_loss_value_by_hand():
    student = torch.tensor([[[1.0, 0.0], [0.0, 2.0]]])
    teacher = torch.tensor([[[3.0, 0.0], [0.0, 1.0]]])
    attn = one_head([[0.75, 0.25], [0.25, 0.75]])
    loss = PCCLLoss(threshold=0.8, temperature=0.5)(student, teacher, attn)
    # cosine logits / 0.5: diag 2, off-diag 0; positives on the diagonal
    positive = math.log1p(math.exp(-2.0))
    negative = math.log1p(math.exp(0.0))
    assert loss.item() == pytest.approx((2 * positive + 2 * negative) / 4)


def test_loss_weight_scales():
    torch.manual_seed(0)
    s, t = torch.randn(2, 5, 8), torch.randn(2, 5, 8)
    attn = torch.randn(2, 2, 5, 5).softmax(-1)
    base = PCCLLoss()(s, t, attn)
    assert PCCLLoss(loss_weight=2.5)(s, t, attn) == pytest.approx(2.5 * base)


def test_batch_loss_is_mean_of_per_image_losses():
    torch.manual_seed(0)
    s, t = torch.randn(4, 6, 8), torch.randn(4, 6, 8)
    attn = torch.randn(4, 2, 6, 6).softmax(-1)
    loss = PCCLLoss()
    per_image = [loss(s[i:i + 1], t[i:i + 1], attn[i:i + 1]) for i in range(4)]
    assert loss(s, t, attn).item() == pytest.approx(
        torch.stack(per_image).mean().item(), rel=1e-6)


@pytest.mark.parametrize('dtype', [torch.float16, torch.bfloat16])
def test_low_precision_inputs_do_not_overflow(dtype):
    torch.manual_seed(0)
    s32, t32 = torch.randn(2, 16, 64) * 300, torch.randn(2, 16, 64) * 300
    attn = torch.randn(2, 2, 16, 16).softmax(-1)
    loss = PCCLLoss()
    reference = loss(s32, t32, attn)
    with torch.autocast('cpu', dtype=dtype):
        low = loss(s32.to(dtype), t32.to(dtype), attn.to(dtype))
    assert torch.isfinite(low)
    assert low.dtype == torch.float32
    assert low.item() == pytest.approx(reference.item(), rel=5e-2)


def test_gradient_reaches_student_tokens():
    s = torch.randn(1, 4, 8, requires_grad=True)
    loss = PCCLLoss()(s, torch.randn(1, 4, 8),
                      torch.randn(1, 1, 4, 4).softmax(-1))
    loss.backward()
    assert s.grad is not None and s.grad.abs().sum() > 0


@pytest.mark.parametrize('kwargs', [dict(threshold=0), dict(threshold=1.5),
                                    dict(temperature=0)])
def test_invalid_arguments_raise(kwargs):
    with pytest.raises(ValueError):
        PCCLLoss(**kwargs)


def test_similarity_pairs_follow_the_tokens_not_the_attention():
    # tokens 0 and 1 point almost the same way, token 2 elsewhere
    tokens = torch.tensor([[[1.0, 0.0], [0.96, 0.28], [0.0, 1.0]]])
    attn = one_head([[0.0, 0.0, 1.0]] * 3)  # ignored by this source
    # temperature 1: row 0 weighs (0.43, 0.41, 0.16), row 2 (0.20, 0.26,
    # 0.54); cumulative 0.84 and 0.80 are within 0.85
    pairs = PCCLLoss(threshold=0.85, pair_source='similarity',
                     pair_temperature=1.0).pseudo_pairs(attn, tokens)
    assert pairs[0].tolist() == [[1, 1, 0], [1, 1, 0], [0, 1, 1]]
    # temperature 0.1: token 2's own weight (0.999) exceeds 0.99 alone
    sharp = dict(threshold=0.99, pair_source='similarity',
                 pair_temperature=0.1)
    assert PCCLLoss(**sharp).pseudo_pairs(attn, tokens)[0, 2].sum() == 0
    kept = PCCLLoss(**sharp, keep_top1=True).pseudo_pairs(attn, tokens)
    assert kept[0, 2].tolist() == [0, 0, 1]


def test_similarity_pairs_match_reference_and_feed_the_loss():
    torch.manual_seed(1)
    student, teacher = torch.randn(2, 2, 9, 4)
    loss = PCCLLoss(pair_source='similarity', pair_temperature=0.2)
    cosine = torch.nn.functional.cosine_similarity(
        teacher[:, :, None], teacher[:, None], dim=-1)
    expected = reference_pairs((cosine / 0.2).softmax(-1)[:, None], 0.6)
    attn = torch.rand(2, 3, 9, 9).softmax(-1)
    assert torch.equal(loss.pseudo_pairs(attn, teacher), expected)
    torch.testing.assert_close(loss(student, teacher, attn),
                               loss.contrastive(student, teacher, expected))


@pytest.mark.parametrize('kwargs, message', [
    (dict(pair_source='cosine'), 'pair_source must be one of'),
    (dict(pair_temperature=0.0), 'pair_temperature must be > 0')])
def test_bad_pair_options_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        PCCLLoss(**kwargs)


def test_similarity_pairs_need_the_teacher_tokens():
    with pytest.raises(ValueError, match='needs the teacher tokens'):
        PCCLLoss(pair_source='similarity').pseudo_pairs(
            torch.rand(1, 1, 4, 4).softmax(-1))
