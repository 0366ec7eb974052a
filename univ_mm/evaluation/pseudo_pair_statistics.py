"""How semantic are PCCL's pseudo pairs, and where does its loss come from?

UNIV: Unified Foundation Model for Infrared and Visible Modalities,
https://arxiv.org/abs/2509.15642
"""
import torch
import torch.nn.functional as F
from torch import Tensor


@torch.no_grad()
def pseudo_pair_statistics(loss, tokens: Tensor, attention: Tensor,
                           labels: Tensor) -> dict[str, float]:
    """Score a teacher's pseudo pairs against patch classes.

    Args:
        loss (PCCLLoss): The loss whose pair rule and logits are scored.
        tokens (Tensor): Teacher tokens ``[B, N, C]`` of labelled images.
        attention (Tensor): The teacher's last-block attention
            ``[B, H, N, N]``.
        labels (Tensor): Class of every patch ``[B, N]``.

    Returns:
        dict[str, float]: ``precision`` (share of positives of the query's
        class) and its ``chance`` (share of all pairs), ``self_pair_rate``
        (rows that pair a patch with itself), ``positives_per_row``,
        ``empty_row_ratio``, ``same_class_negatives_per_row``,
        ``other_class_positives_per_row``, ``loss_at_teacher`` (the loss of
        a student equal to the teacher) and ``negative_loss_share`` (the
        share of that loss made by the negatives).
    """
    pairs = loss.pseudo_pairs(attention, tokens)
    same = (labels[:, :, None] == labels[:, None, :]).float()
    per_row = pairs.sum(dim=-1)
    at_teacher = loss.loss_weight * F.binary_cross_entropy_with_logits(
        loss.cosine_logits(tokens, tokens), pairs, reduction='none')
    return dict(
        precision=float((pairs * same).sum() / pairs.sum()),
        chance=float(same.mean()),
        self_pair_rate=float(pairs.diagonal(dim1=1, dim2=2).mean()),
        positives_per_row=float(per_row.mean()),
        empty_row_ratio=float((per_row == 0).float().mean()),
        same_class_negatives_per_row=float(
            (same * (1 - pairs)).sum(dim=-1).mean()),
        other_class_positives_per_row=float(
            ((1 - same) * pairs).sum(dim=-1).mean()),
        loss_at_teacher=float(at_teacher.mean()),
        negative_loss_share=float(
            (at_teacher * (1 - pairs)).sum() / at_teacher.sum()))
