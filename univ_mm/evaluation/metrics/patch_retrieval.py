"""Cross-modal patch retrieval: do IR patches land on the RGB patches of
the same place?

UNIV: Unified Foundation Model for Infrared and Visible Modalities,
https://arxiv.org/abs/2509.15642
"""
from collections.abc import Sequence

import torch
from mmengine.evaluator import BaseMetric
from torch import Tensor

from univ_mm.models.losses.pccl_loss import cosine_matrix
from univ_mm.registry import METRICS


def patch_retrieval(query: Tensor, gallery: Tensor,
                    topk: Sequence[int] = (1, 5)) -> dict[str, Tensor]:
    """Retrieve each query patch's own location among an image's patches.

    Patch i of ``query`` hits at k when gallery patch i is among the k
    gallery patches of the same image most cosine-similar to it. Ties count
    against the query, so collapsed (constant) features score 0, not 1.

    Args:
        query (Tensor): Query tokens ``[B, N, C]`` (e.g. student IR).
        gallery (Tensor): Gallery tokens ``[B, N, C]`` of the same places
            (e.g. teacher RGB).
        topk (Sequence[int]): The k of the top-k hit rates.
            Defaults to (1, 5).

    Returns:
        dict[str, Tensor]: Per image ``[B]``: ``top{k}`` (share of hits),
        ``cos_aligned`` (mean cosine of same-place pairs) and ``cos_other``
        (mean cosine of the other pairs).
    """
    if query.shape != gallery.shape or query.dim() != 3:
        raise ValueError(f'query and gallery must both be [B, N, C], got '
                         f'{tuple(query.shape)} and {tuple(gallery.shape)}')
    cosine = cosine_matrix(query, gallery)
    aligned = cosine.diagonal(dim1=1, dim2=2)
    # rank of the own location: how many other gallery patches tie or beat it
    rank = (cosine >= aligned[..., None]).sum(dim=-1) - 1
    num = cosine.shape[-1]
    out = {f'top{k}': (rank < k).float().mean(dim=-1) for k in topk}
    out['cos_aligned'] = aligned.mean(dim=-1)
    out['cos_other'] = (cosine.sum(dim=(1, 2)) - aligned.sum(dim=-1)) / (
        num * (num - 1))
    return out


def class_retrieval(query: Tensor, gallery: Tensor,
                    labels: Tensor) -> dict[str, Tensor]:
    """Does each query patch's nearest gallery patch show the same class?

    A semantic counterpart of :func:`patch_retrieval` for labelled images:
    it scores alignment by class, not by place.

    Args:
        query (Tensor): Query tokens ``[B, N, C]`` (e.g. student IR).
        gallery (Tensor): Gallery tokens ``[B, N, C]`` of the same images
            (e.g. teacher RGB).
        labels (Tensor): Class of every patch ``[B, N]``, shared by query
            and gallery (the images are pixel-aligned).

    Returns:
        dict[str, Tensor]: Per image ``[B]``: ``class_top1`` (share of query
        patches whose most cosine-similar gallery patch of the same image
        has their class) and ``class_chance`` (the same share for a gallery
        patch drawn at random).
    """
    if labels.shape != query.shape[:2]:
        raise ValueError(f'labels must be [B, N] = {tuple(query.shape[:2])}'
                         f', got {tuple(labels.shape)}')
    cosine = cosine_matrix(query, gallery)
    nearest = labels.gather(1, cosine.argmax(dim=-1))
    same = labels[:, :, None] == labels[:, None, :]
    return dict(class_top1=(nearest == labels).float().mean(dim=-1),
                class_chance=same.float().mean(dim=(1, 2)))


@METRICS.register_module()
class PatchRetrievalMetric(BaseMetric):
    """IR->RGB patch retrieval and cosine alignment on held-out pairs.

    For every pair, the teacher's RGB patch tokens are the gallery and the
    student's patch tokens of each modality in ``modalities`` the queries
    (see :func:`patch_retrieval`); chance top-k is k / N for N patches.
    Expects the outputs of ``UNIV.val_step``: samples holding the
    ``gallery`` field and ``{modality}_tokens``, ``[N, C]`` each. Reports,
    per modality m, ``{m}_top{k}``, ``{m}_cos_aligned``, ``{m}_cos_other`` and
    ``{m}_cos_gap`` (aligned minus other), averaged over images, and
    ``chance_top1`` (mean 1 / N).

    Args:
        modalities (Sequence[str]): Student token sets used as queries.
            Defaults to ('ir', 'rgb').
        gallery (str): Field of the gallery tokens.
            Defaults to 'teacher_tokens'.
        topk (Sequence[int]): Defaults to (1, 5).
        collect_device (str): See ``BaseMetric``. Defaults to 'cpu'.
        prefix (str, optional): Prefix of the metric names.
            Defaults to None, meaning 'align'.
    """

    default_prefix = 'align'

    def __init__(self,
                 modalities: Sequence[str] = ('ir', 'rgb'),
                 gallery: str = 'teacher_tokens',
                 topk: Sequence[int] = (1, 5),
                 collect_device: str = 'cpu',
                 prefix: str | None = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        self.modalities = tuple(modalities)
        self.gallery = gallery
        self.topk = tuple(topk)

    def process(self, data_batch: object,
                data_samples: Sequence[dict]) -> None:
        """Score every sample of the batch; keep per-image numbers only."""
        gallery = torch.stack([s[self.gallery] for s in data_samples])
        scores = {'chance_top1': torch.full((len(gallery), ),
                                            1. / gallery.shape[1])}
        for modality in self.modalities:
            query = torch.stack([s[f'{modality}_tokens']
                                 for s in data_samples])
            for name, value in patch_retrieval(query, gallery,
                                               self.topk).items():
                scores[f'{modality}_{name}'] = value
        for i in range(len(gallery)):
            self.results.append({k: float(v[i]) for k, v in scores.items()})

    def compute_metrics(self, results: list[dict]) -> dict[str, float]:
        """Average over images; add the aligned-minus-other cosine gap."""
        metrics = {k: sum(r[k] for r in results) / len(results)
                   for k in results[0]}
        for modality in self.modalities:
            metrics[f'{modality}_cos_gap'] = metrics[
                f'{modality}_cos_aligned'] - metrics[f'{modality}_cos_other']
        return metrics
