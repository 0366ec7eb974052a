"""pseudo_pair_statistics on hand-made pairs, classes and tokens."""
import math

import pytest
import torch

from univ_mm.evaluation import pseudo_pair_statistics
from univ_mm.models.losses import PCCLLoss


def test_statistics_by_hand():
    # tau 0.6 picks: row 0 -> {0}, row 1 -> {2}, row 2 -> none (0.7 alone
    # exceeds tau), row 3 -> {3}
    attention = torch.tensor([[0.55, 0.05, 0.40, 0.00],
                              [0.00, 0.10, 0.50, 0.40],
                              [0.70, 0.10, 0.10, 0.10],
                              [0.125, 0.00, 0.375, 0.50]])[None, None]
    labels = torch.tensor([[0, 0, 1, 1]])
    tokens = torch.eye(4)[None]  # cosine 1 with itself, 0 with the others
    stats = pseudo_pair_statistics(PCCLLoss(), tokens, attention, labels)
    # logits: 25 on the diagonal, 0 elsewhere; BCE of a 0-target at logit 25
    # is 25, of any target at logit 0 is ln 2, of a 1-target at 25 is ~0
    total = 2 * 25 + 12 * math.log(2)
    assert stats == pytest.approx(dict(
        precision=2 / 3, chance=0.5, self_pair_rate=0.5,
        positives_per_row=0.75, empty_row_ratio=0.25,
        same_class_negatives_per_row=1.5, other_class_positives_per_row=0.25,
        loss_at_teacher=total / 16,
        negative_loss_share=(total - math.log(2)) / total), rel=1e-5)
