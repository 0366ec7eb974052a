"""The PCCL variants of the third evidence round: a learnable logit bias,
soft RGB targets, token distillation for RGB, and bias + soft targets."""
import pytest
import torch
from helpers import tiny_univ
from mmengine.optim import build_optim_wrapper

from univ_mm.models.heads.pccl_head import PCCLHead
from univ_mm.models.losses import PCCLLoss
from univ_mm.registry import MODELS

#: Head configs of the variants, as the evidence runs set them.
VARIANTS = {
    'bias': dict(loss=dict(type='PCCLLoss', learnable_bias=True)),
    'soft': dict(rgb_term='soft_pairs'),
    'tokens': dict(rgb_term='token_cosine'),
    'bias+soft': dict(loss=dict(type='PCCLLoss', learnable_bias=True),
                      rgb_term='soft_pairs'),
}


def tokens_and_attention(seed: int = 0):
    generator = torch.Generator().manual_seed(seed)
    rgb, ir, teacher = torch.randn(3, 2, 6, 8, generator=generator)
    attn = torch.rand(2, 3, 6, 6, generator=generator).softmax(-1)
    return rgb, ir, teacher, attn


def rgb_gradient_at_teacher(head: PCCLHead) -> torch.Tensor:
    """The RGB term's gradient for student RGB tokens equal to the
    teacher's."""
    _, ir, teacher, attn = tokens_and_attention()
    student = teacher.clone().requires_grad_()
    head.loss(student, ir, teacher, attn)['loss_rgb'].backward()
    return student.grad


@pytest.mark.parametrize('name', VARIANTS)
def test_variant_trains_a_tiny_univ(name):
    torch.manual_seed(0)
    model = MODELS.build(tiny_univ(head=dict(type='PCCLHead',
                                             **VARIANTS[name])))
    model.init_weights()
    generator = torch.Generator().manual_seed(1)
    images = [torch.randint(0, 256, (3, 32, 32), generator=generator,
                            dtype=torch.uint8) for _ in range(4)]
    data = model.data_preprocessor(
        dict(inputs=dict(rgb=images[:2], ir=images[2:])), True)
    total, _ = model.parse_losses(model(**data, mode='loss'))
    total.backward()
    assert torch.isfinite(total)
    grads = [p.grad for p in model.parameters() if p.requires_grad]
    assert all(g is not None and torch.isfinite(g).all() for g in grads)
    assert any(g.abs().sum() > 0 for g in grads)


@pytest.mark.parametrize('name', ['soft', 'tokens', 'bias+soft'])
def test_teacher_is_the_fixed_point_of_the_rgb_term(name):
    gradient = rgb_gradient_at_teacher(MODELS.build(dict(type='PCCLHead',
                                                         **VARIANTS[name])))
    torch.testing.assert_close(gradient, torch.zeros_like(gradient),
                               atol=1e-7, rtol=0)


def test_official_rgb_term_pulls_a_student_equal_to_the_teacher_away():
    gradient = rgb_gradient_at_teacher(MODELS.build(dict(type='PCCLHead')))
    assert gradient.abs().max() > 1e-3


def test_bias_starts_with_mean_negative_logit_zero_once():
    loss = PCCLLoss(learnable_bias=True)
    rgb, _, teacher, attn = tokens_and_attention()
    pairs, unit = loss.pseudo_pairs(attn), loss.unit_tokens(teacher)
    loss.init_bias(unit, pairs)
    negatives = loss.teacher_logits(unit)[pairs == 0]
    assert loss.logit_bias < 0
    torch.testing.assert_close(negatives.mean(), torch.tensor(0.),
                               atol=1e-5, rtol=0)
    set_once = loss.logit_bias.detach().clone()
    loss.init_bias(unit, torch.zeros_like(pairs))
    assert torch.equal(loss.logit_bias.detach(), set_once)
    resumed = PCCLLoss(learnable_bias=True)
    resumed.load_state_dict(loss.state_dict())
    resumed.init_bias(unit, pairs)
    assert torch.equal(resumed.logit_bias.detach(), set_once)


def test_bias_shifts_every_logit_and_learns():
    rgb, _, teacher, attn = tokens_and_attention()
    plain, biased = PCCLLoss(), PCCLLoss(learnable_bias=True)
    pairs = plain.pseudo_pairs(attn)
    with torch.no_grad():
        biased.logit_bias.fill_(-2.)
    expected = torch.nn.functional.binary_cross_entropy_with_logits(
        plain.cosine_logits(rgb, teacher) - 2., pairs)
    value = biased.contrastive(rgb, teacher, pairs)
    torch.testing.assert_close(value, expected)
    value.backward()
    assert biased.logit_bias.grad != 0


def test_official_loss_has_no_bias_in_its_state():
    assert list(PCCLHead().state_dict()) == []
    assert set(PCCLHead(**VARIANTS['bias']).state_dict()) == {
        'loss_module.logit_bias', 'loss_module.bias_initialised'}


def test_token_cosine_by_hand():
    loss = PCCLLoss(loss_weight=2.0)
    teacher = torch.tensor([[[1., 0.], [0., 3.]]])
    student = torch.tensor([[[2., 0.], [0., -1.]]])  # same, opposite
    value = loss.token_cosine(student, loss.unit_tokens(teacher))
    torch.testing.assert_close(value, torch.tensor(2.0 * (0 + 2) / 2))


def test_soft_rgb_term_at_the_teacher_is_the_targets_entropy():
    head = PCCLHead(rgb_term='soft_pairs')
    _, _, teacher, attn = tokens_and_attention()
    labels = torch.zeros(2, 6, dtype=torch.long)
    stats = head.pair_statistics(teacher, attn, labels)
    targets = head.loss_module.soft_pairs(head.loss_module.unit_tokens(
        teacher))
    entropy = (torch.special.entr(targets) +
               torch.special.entr(1 - targets)).mean()
    assert stats['rgb_loss_at_teacher'] == pytest.approx(float(entropy),
                                                         rel=1e-5)
    assert stats['rgb_loss_at_teacher'] < stats['loss_at_teacher']


def test_bias_lr_multiplier_of_the_evidence_runs_reaches_its_group():
    model = MODELS.build(tiny_univ(head=dict(type='PCCLHead',
                                             **VARIANTS['bias'])))
    wrapper = build_optim_wrapper(model, dict(
        type='OptimWrapper', constructor='MergedGroupsOptimWrapperConstructor',
        optimizer=dict(type='AdamW', lr=1e-5, weight_decay=0.05),
        paramwise_cfg=dict(custom_keys=dict(logit_bias=dict(
            lr_mult=1000, decay_mult=0)))))
    bias = model.head.loss_module.logit_bias
    group, = [g for g in wrapper.optimizer.param_groups
              if any(p is bias for p in g['params'])]
    assert len(group['params']) == 1
    assert group['lr'] == pytest.approx(1e-2) and group['weight_decay'] == 0


@pytest.mark.parametrize('kwargs', [dict(rgb_term='tokens'),
                                    dict(rgb_term='pairs')])
def test_unknown_rgb_term_is_refused(kwargs):
    with pytest.raises(ValueError, match='rgb_term must be one of'):
        PCCLHead(**kwargs)
