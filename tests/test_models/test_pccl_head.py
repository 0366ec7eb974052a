"""PCCLHead: both weighted terms on one set of pairs, and their statistics."""
import torch

from univ_mm.models.heads.pseudo_pair_statistics import pseudo_pair_statistics
from univ_mm.models.losses import PCCLLoss
from univ_mm.registry import MODELS


def test_loss_weights_each_term_of_the_shared_pairs():
    head = MODELS.build(dict(type='PCCLHead', ir_weight=2.0, rgb_weight=0.5))
    generator = torch.Generator().manual_seed(0)
    rgb, ir, teacher = torch.randn(3, 2, 5, 8, generator=generator)
    attn = torch.rand(2, 3, 5, 5, generator=generator).softmax(-1)
    losses = head.loss(rgb, ir, teacher, attn)
    assert set(losses) == {'loss_ir', 'loss_rgb', 'positives_per_row',
                           'empty_row_ratio'}
    loss = PCCLLoss()
    torch.testing.assert_close(losses['loss_ir'],
                               2.0 * loss(ir, teacher, attn))
    torch.testing.assert_close(losses['loss_rgb'],
                               0.5 * loss(rgb, teacher, attn))
    per_row = loss.pseudo_pairs(attn).sum(-1)
    assert losses['positives_per_row'] == per_row.mean()


def test_pair_statistics_score_the_teacher_against_classes():
    head = MODELS.build(dict(type='PCCLHead', loss=dict(
        type='PCCLLoss', threshold=0.3, loss_weight=2.0)))
    generator = torch.Generator().manual_seed(1)
    tokens = torch.randn(2, 6, 8, generator=generator)
    attn = torch.rand(2, 3, 6, 6, generator=generator).softmax(-1)
    labels = torch.randint(0, 3, (2, 6), generator=generator)
    stats = head.pair_statistics(tokens, attn, labels)
    loss = head.loss_module
    pairs = loss.pseudo_pairs(attn, tokens)
    expected = pseudo_pair_statistics(pairs, labels, loss.contrastive(
        tokens, tokens, pairs, reduction='none'))
    # the official RGB term is the pair term: its loss at the teacher too
    expected['rgb_loss_at_teacher'] = expected['loss_at_teacher']
    assert stats == {k: float(v) for k, v in expected.items()}
    assert len(stats) == 10 and stats['loss_at_teacher'] > 0
