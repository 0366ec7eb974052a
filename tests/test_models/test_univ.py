"""UNIV: teacher frozen, student from the teacher, losses, gradients."""
import pytest
import torch
from helpers import tiny_univ
from mmengine.optim import OptimWrapper

from univ_mm.registry import MODELS


def build_univ(**overrides):
    torch.manual_seed(0)
    model = MODELS.build(tiny_univ(**overrides))
    model.init_weights()
    return model


def batch(size: int = 2) -> dict:
    """A packed batch as the dataloader delivers it (uint8, BGR)."""
    generator = torch.Generator().manual_seed(size)
    images = [torch.randint(0, 256, (3, 32, 32), generator=generator,
                            dtype=torch.uint8) for _ in range(2 * size)]
    return dict(inputs=dict(rgb=images[:size], ir=images[size:]),
                data_samples=None)


def test_student_starts_from_the_teacher():
    model = build_univ().eval()
    with model.backbone.plain_view():
        student = model.backbone.state_dict()
    for key, value in model.teacher.state_dict().items():
        assert torch.equal(student[key], value), key
    rgb = torch.randn(2, 3, 32, 32)
    torch.testing.assert_close(model.backbone.forward_tokens(rgb)[0],
                               model.teacher_forward(rgb)[0])


def test_teacher_stays_frozen_and_in_eval_mode():
    model = build_univ()
    model.train()
    assert model.backbone.training
    assert not any(m.training for m in model.teacher.modules())
    assert not any(p.requires_grad for p in model.teacher.parameters())


def test_losses_and_statistics():
    model = build_univ()
    losses = model(**model.data_preprocessor(batch(), True), mode='loss')
    assert set(losses) == {'loss_ir', 'loss_rgb', 'positives_per_row',
                           'empty_row_ratio'}
    assert all(torch.isfinite(v) for v in losses.values())
    total, _ = model.parse_losses(losses)
    torch.testing.assert_close(total, losses['loss_ir'] + losses['loss_rgb'])


def test_alpha_and_beta_weight_the_terms():
    data = build_univ().data_preprocessor(batch(), True)
    plain = build_univ()(**data, mode='loss')
    weighted = build_univ(head=dict(type='PCCLHead', ir_weight=2.0,
                                    rgb_weight=0.5))(**data, mode='loss')
    torch.testing.assert_close(weighted['loss_ir'], 2.0 * plain['loss_ir'])
    torch.testing.assert_close(weighted['loss_rgb'], 0.5 * plain['loss_rgb'])


def test_similarity_pairs_are_built_from_the_teacher_tokens():
    # a random teacher's tokens are far apart: a soft temperature keeps
    # more than the patch itself
    loss_cfg = dict(type='PCCLLoss', pair_source='similarity',
                    pair_temperature=1.0)
    model = build_univ(head=dict(type='PCCLHead', loss=loss_cfg)).eval()
    inputs = model.data_preprocessor(batch(), True)['inputs']
    tokens, attn = model.teacher_forward(inputs['rgb'])
    expected = model.head.loss_module.pseudo_pairs(attn, tokens)
    assert expected.sum(dim=-1).gt(1).any()
    assert not torch.equal(expected, model.head.loss_module.pseudo_pairs(
        attn, tokens.roll(1, dims=1)))  # the pairs depend on the tokens
    losses = model(inputs, mode='loss')
    student = model.extract_feat(inputs)
    torch.testing.assert_close(losses['loss_ir'],
                               model.head.loss_module.contrastive(
                                   student['ir'], tokens, expected))


def test_gradients_reach_only_student_lora():
    model = build_univ()
    total, _ = model.parse_losses(
        model(**model.data_preprocessor(batch(), True), mode='loss'))
    total.backward()
    with_grad = {n for n, p in model.named_parameters() if p.grad is not None}
    assert with_grad
    assert all(n.startswith('backbone.') and 'lora_' in n for n in with_grad)


def test_training_steps_change_lora_but_not_the_teacher():
    model = build_univ()
    teacher_before = {k: v.clone() for k, v in
                      model.teacher.state_dict().items()}
    lora_before = {n: p.clone() for n, p in model.named_parameters()
                   if p.requires_grad}
    wrapper = OptimWrapper(torch.optim.AdamW(
        [p for p in model.parameters() if p.requires_grad], lr=1e-2))
    for _ in range(3):
        model.train_step(batch(), wrapper)
    for key, value in model.teacher.state_dict().items():
        assert torch.equal(value, teacher_before[key]), key
    assert any(not torch.equal(p, lora_before[n])
               for n, p in model.named_parameters() if p.requires_grad)


def test_tensor_mode_returns_tokens_of_both_modalities():
    model = build_univ()
    tokens = model(**model.data_preprocessor(batch(3)), mode='tensor')
    assert tokens['rgb'].shape == tokens['ir'].shape == (3, 16, 32)


def test_predict_mode_returns_samples_with_the_tokens():
    model = build_univ().eval()
    data = model.data_preprocessor(batch(3))
    samples = model(**data, mode='predict')
    tokens = model(**data, mode='tensor')
    assert len(samples) == 3
    for i, sample in enumerate(samples):
        assert torch.equal(sample.rgb_tokens, tokens['rgb'][i])
        assert torch.equal(sample.ir_tokens, tokens['ir'][i])
        assert sample.teacher_tokens.shape == (16, 32)


def test_unknown_mode_is_refused():
    model = build_univ()
    with pytest.raises(RuntimeError, match='Invalid mode "features"'):
        model(**model.data_preprocessor(batch()), mode='features')
