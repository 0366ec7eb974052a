"""How many pseudo pairs does PCCL form, how semantic are they, and where
does its loss come from?

UNIV: Unified Foundation Model for Infrared and Visible Modalities,
https://arxiv.org/abs/2509.15642
"""
import torch
from torch import Tensor


@torch.no_grad()
def pseudo_pair_statistics(pairs: Tensor,
                           labels: Tensor | None = None,
                           loss_at_teacher: Tensor | None = None
                           ) -> dict[str, Tensor]:
    """Statistics of a pseudo-pair mask, the one place that computes them.

    Training logs the label-free ones (``PCCLHead.loss``: no name contains
    ``loss``, so ``BaseModel.parse_losses`` logs them without summing);
    scoring a teacher on labelled images adds the others
    (``PCCLHead.pair_statistics``).

    Args:
        pairs (Tensor): Float 0/1 mask ``[B, N, N]`` from
            ``PCCLLoss.pseudo_pairs``; ``[b, i, j] = 1`` pairs patch j with
            query patch i.
        labels (Tensor, optional): Class of every patch ``[B, N]``.
            Defaults to None.
        loss_at_teacher (Tensor, optional): The loss of every pair
            ``[B, N, N]`` for a student equal to the teacher
            (``PCCLLoss.contrastive(tokens, tokens, pairs,
            reduction='none')``). Defaults to None.

    Returns:
        dict[str, Tensor]: Scalars. Always ``positives_per_row`` (mean
        count) and ``empty_row_ratio`` (share of rows with no positive).
        With ``labels``: ``precision`` (share of positives of the query's
        class) and its ``chance`` (share of all pairs), ``self_pair_rate``
        (rows that pair a patch with itself),
        ``same_class_negatives_per_row`` and
        ``other_class_positives_per_row``. With ``loss_at_teacher``: its
        mean, ``loss_at_teacher``, and ``negative_loss_share`` (the share
        of it made by the negatives).
    """
    per_row = pairs.sum(dim=-1)
    stats = dict(positives_per_row=per_row.mean(),
                 empty_row_ratio=(per_row == 0).float().mean())
    if labels is not None:
        same = (labels[:, :, None] == labels[:, None, :]).float()
        stats.update(
            precision=(pairs * same).sum() / pairs.sum(),
            chance=same.mean(),
            self_pair_rate=pairs.diagonal(dim1=1, dim2=2).mean(),
            same_class_negatives_per_row=(same * (1 - pairs)).sum(
                dim=-1).mean(),
            other_class_positives_per_row=((1 - same) * pairs).sum(
                dim=-1).mean())
    if loss_at_teacher is not None:
        stats.update(
            loss_at_teacher=loss_at_teacher.mean(),
            negative_loss_share=(loss_at_teacher * (1 - pairs)).sum() /
            loss_at_teacher.sum())
    return stats
