"""PatchRetrievalMetric: perfect alignment, chance when shuffled, ties."""
import pytest
import torch
from mmengine.evaluator import Evaluator

from univ_mm.evaluation import (
    PatchRetrievalMetric,
    class_retrieval,
    patch_retrieval,
)
from univ_mm.registry import METRICS


def test_perfect_alignment_scores_one():
    gallery = torch.randn(3, 20, 8)
    scores = patch_retrieval(gallery * 2.5, gallery)
    for key in ('top1', 'top5', 'cos_aligned'):
        torch.testing.assert_close(scores[key], torch.ones(3))
    assert (scores['cos_other'] < 1).all()


def _z_test(values: torch.Tensor, expected: float) -> None:
    """The mean of ``values`` is ``expected`` within 4 standard errors."""
    error = values.std() / len(values)**0.5
    assert abs(values.mean() - expected) < 4 * error, (
        float(values.mean()), expected, float(error))


@pytest.mark.parametrize('num', [16, 49])
def test_shuffled_patches_score_chance(num):
    """Query = the gallery with its patches shuffled: over many shuffles,
    top-k averages k / N, as for a random guess."""
    generator = torch.Generator().manual_seed(num)
    shuffles = 2000
    gallery = torch.randn(shuffles, num, 16, generator=generator)
    order = torch.rand(shuffles, num, generator=generator).argsort(dim=1)
    query = gallery.gather(1, order[..., None].expand_as(gallery))
    scores = patch_retrieval(query, gallery)
    _z_test(scores['top1'], 1 / num)
    _z_test(scores['top5'], 5 / num)
    # a fixed point of a random permutation is as likely as 1 / N, so the
    # number of hits per shuffle has mean 1 and variance 1
    assert scores['top1'].mul(num).var() == pytest.approx(1, abs=0.15)


def test_ties_count_against_the_query():
    collapsed = torch.ones(2, 10, 4)
    scores = patch_retrieval(collapsed, collapsed)
    assert scores['top1'].eq(0).all() and scores['top5'].eq(0).all()


def test_cosines_of_orthogonal_patches():
    eye = torch.eye(4)[None]
    scores = patch_retrieval(eye, eye)
    assert scores['cos_aligned'].item() == 1
    assert scores['cos_other'].item() == 0


def test_shape_mismatch_is_refused():
    with pytest.raises(ValueError, match=r'\[B, N, C\]'):
        patch_retrieval(torch.randn(2, 5, 3), torch.randn(2, 6, 3))


def test_metric_averages_images_and_prefixes_names():
    metric = METRICS.build(dict(type='PatchRetrievalMetric', topk=(1, )))
    assert isinstance(metric, PatchRetrievalMetric)
    evaluator = Evaluator(metric)
    gallery = torch.randn(4, 9, 8)
    shifted = gallery.roll(1, dims=1)  # every query retrieves a neighbour
    samples = [dict(teacher_tokens=g, ir_tokens=s, rgb_tokens=g)
               for g, s in zip(gallery, shifted, strict=True)]
    evaluator.process(samples[:3])
    evaluator.process(samples[3:])
    metrics = evaluator.evaluate(4)
    assert metrics['align/rgb_top1'] == 1 and metrics['align/ir_top1'] == 0
    assert metrics['align/chance_top1'] == pytest.approx(1 / 9)
    assert metrics['align/rgb_cos_gap'] == pytest.approx(
        metrics['align/rgb_cos_aligned'] - metrics['align/rgb_cos_other'])


def test_class_retrieval_scores_class_not_place():
    labels = torch.tensor([[0, 0, 1, 1]])
    gallery = torch.eye(4)[None]
    # every query lands on the *other* patch of its class: wrong place,
    # right class
    swapped = gallery[:, [1, 0, 3, 2]]
    scores = class_retrieval(swapped, gallery, labels)
    assert patch_retrieval(swapped, gallery)['top1'].item() == 0
    assert scores['class_top1'].item() == 1
    assert scores['class_chance'].item() == 0.5
    crossed = gallery[:, [2, 3, 0, 1]]  # every query on the other class
    assert class_retrieval(crossed, gallery, labels)[
        'class_top1'].item() == 0


def test_class_retrieval_refuses_labels_of_another_shape():
    with pytest.raises(ValueError, match=r'labels must be \[B, N\]'):
        class_retrieval(torch.randn(2, 5, 3), torch.randn(2, 5, 3),
                        torch.zeros(2, 4, dtype=torch.long))
