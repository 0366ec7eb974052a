"""The official UNIV recipe on ConvMAE-B, and its CPU demo, run."""
import pytest
import torch
from mmengine.config import Config
from mmengine.optim import build_optim_wrapper
from mmengine.registry import DefaultScope

from univ_mm.registry import MODELS

RECIPE = 'configs/pretrain/univ_convmae-b_mvip.py'
DEMO = 'configs/pretrain/univ_convmae-tiny_synthetic-demo.py'


def lora(cin: int, cout: int, kernel: int = 1, r: int = 8) -> int:
    """LoRA parameters of a layer: A (cin * k * k -> r), B (r -> cout)."""
    return r * (cin * kernel * kernel + cout)


def test_recipe_is_the_releases():
    cfg = Config.fromfile(RECIPE)
    optim = cfg.optim_wrapper
    assert optim.type == 'PerParameterClipAmpOptimWrapper'
    assert optim.clip_grad == dict(type='per_parameter', max_norm=3.0)
    assert optim.dtype == 'float16'
    assert optim.optimizer.lr == pytest.approx(1.5e-4)
    assert optim.optimizer.weight_decay == 0.05
    assert cfg.auto_scale_lr.base_batch_size == 8 * 32
    assert cfg.train_dataloader.batch_size == 32
    warmup, cosine, decay = cfg.param_scheduler
    assert (warmup.end, cosine.begin, cosine.end, cosine.eta_min) == (
        40, 40, 400, 1e-6)
    assert decay.param_name == 'weight_decay' and decay.eta_min_ratio == 10
    assert cfg.randomness.seed == 7
    loss = cfg.model.head.loss
    assert (loss.threshold, loss.temperature) == (0.6, 0.04)
    assert cfg.model.backbone.arch == cfg.model.teacher.arch == 'b'
    assert cfg.model.backbone.img_size == 224


def test_student_adapts_exactly_the_release_encoder_targets():
    cfg = Config.fromfile(RECIPE)
    with torch.device('meta'):
        student = MODELS.build(cfg.model.backbone)
    count = sum(p.numel() for p in student.parameters() if p.requires_grad)
    assert len(dict(student.lora_layers())) == 3 + 1 + 2 * 2 * 2 + 11 * 4
    assert count == (
        lora(3, 256, 4) + lora(256, 384, 2) + lora(384, 768, 2) +
        lora(768, 768) + 2 * 2 * lora(256, 1024) + 2 * 2 * lora(384, 1536) +
        11 * (lora(768, 3 * 768) + lora(768, 768) + 2 * lora(768, 3072)))


def test_demo_takes_a_clipped_step():
    cfg = Config.fromfile(DEMO)
    with DefaultScope.overwrite_default_scope('univ_mm'):
        model = MODELS.build(cfg.model)
        model.init_weights()
        wrapper = build_optim_wrapper(model, cfg.optim_wrapper)
    images = torch.randint(0, 256, (4, 3, 112, 112), dtype=torch.uint8)
    data = model.data_preprocessor(
        dict(inputs=dict(rgb=images[:2], ir=images[2:])), True)
    model.train()
    losses = model(**data, mode='loss')
    # scaled up so that some gradients exceed the clip norm of 3
    wrapper.backward(1e4 * model.parse_losses(losses)[0])
    wrapper.step()
    hub = wrapper.message_hub.get_scalar('train/grad_norm_max')
    assert hub.current() > 3.0
    grads = [p.grad for p in model.parameters() if p.grad is not None]
    assert grads and all(g.norm() <= 3.0 + 1e-4 for g in grads)
