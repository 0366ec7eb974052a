"""pseudo_pair_statistics on hand-made pairs, classes and tokens."""
import math

import pytest
import torch

from univ_mm.models.heads.pseudo_pair_statistics import pseudo_pair_statistics
from univ_mm.models.losses import PCCLLoss

# tau 0.6 picks: row 0 -> {0}, row 1 -> {2}, row 2 -> none (0.7 alone
# exceeds tau), row 3 -> {3}
ATTENTION = torch.tensor([[0.55, 0.05, 0.40, 0.00],
                          [0.00, 0.10, 0.50, 0.40],
                          [0.70, 0.10, 0.10, 0.10],
                          [0.125, 0.00, 0.375, 0.50]])[None, None]
LABELS = torch.tensor([[0, 0, 1, 1]])
TOKENS = torch.eye(4)[None]  # cosine 1 with itself, 0 with the others
# logits: 25 on the diagonal, 0 elsewhere; BCE of a 0-target at logit 25
# is 25, of any target at logit 0 is ln 2, of a 1-target at 25 is ~0
TOTAL = 2 * 25 + 12 * math.log(2)
BY_HAND = dict(
    precision=2 / 3, chance=0.5, self_pair_rate=0.5,
    positives_per_row=0.75, empty_row_ratio=0.25,
    same_class_negatives_per_row=1.5, other_class_positives_per_row=0.25,
    loss_at_teacher=TOTAL / 16,
    negative_loss_share=(TOTAL - math.log(2)) / TOTAL)


def test_statistics_by_hand():
    loss = PCCLLoss()
    pairs = loss.pseudo_pairs(ATTENTION)
    at_teacher = loss.contrastive(TOKENS, TOKENS, pairs, reduction='none')
    stats = pseudo_pair_statistics(pairs, LABELS, at_teacher)
    assert {k: float(v) for k, v in stats.items()} == pytest.approx(
        BY_HAND, rel=1e-5)


def test_without_labels_only_the_training_statistics():
    stats = pseudo_pair_statistics(PCCLLoss().pseudo_pairs(ATTENTION))
    assert set(stats) == {'positives_per_row', 'empty_row_ratio'}
    assert all(isinstance(v, torch.Tensor) and v.ndim == 0
               for v in stats.values())
