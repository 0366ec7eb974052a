"""ConvMAE pre-training and the MAE configs of the evidence teachers: both
tiny teachers learn, and ConvMAE masks its convolutions block-wise."""
from pathlib import Path

import pytest
import torch
from helpers import TINY_ARCH
from mmengine.config import Config
from mmengine.optim import OptimWrapper
from mmengine.registry import DefaultScope
from mmpretrain.structures import DataSample

from univ_mm.registry import MODELS

CONFIGS = Path(__file__).parents[2] / 'projects' / 'pccl_evidence' / 'configs'
#: Test-sized archs of the two masked-image-modelling teachers.
TINY = {'mae_vit-t_synthetic.py': {'model.backbone.arch': TINY_ARCH,
                                   'model.neck.embed_dim': 32},
        'convmae_synthetic.py': {'model.backbone.arch': 'tiny',
                                 'model.neck.embed_dim': 32}}


def build(name: str):
    """The pre-training model of an evidence config, tiny, initialised."""
    cfg = Config.fromfile(CONFIGS / name)
    cfg.merge_from_dict(TINY[name])
    with DefaultScope.overwrite_default_scope(cfg.default_scope):
        model = MODELS.build(cfg.model)
    model.init_weights()
    return model


@pytest.mark.parametrize('name', sorted(TINY))
def test_tiny_teacher_pretraining_lowers_its_loss(name):
    torch.manual_seed(0)
    model = build(name)
    data = dict(inputs=(torch.rand(4, 3, 64, 64) * 255).to(torch.uint8),
                data_samples=[DataSample() for _ in range(4)])
    wrapper = OptimWrapper(torch.optim.AdamW(model.parameters(), lr=1e-3))
    losses = []
    for _ in range(6):
        torch.manual_seed(1)  # the same mask at every step
        losses.append(float(model.train_step(data, wrapper)['loss']))
    assert losses[-1] < 0.9 * losses[0]


def test_convmae_masks_whole_tokens_down_to_the_pixels():
    model = build('convmae_synthetic.py').eval()
    images = torch.randn(2, 3, 64, 64)
    torch.manual_seed(0)
    latent, mask, restore = model.backbone(images)
    assert latent.shape == (2, 4, 32) and mask.sum(dim=1).tolist() == [12] * 2
    assert torch.equal(restore.argsort(dim=1).argsort(dim=1), restore)
    hidden = mask.reshape(2, 1, 4, 4).repeat_interleave(
        16, dim=2).repeat_interleave(16, dim=3).bool()
    changed = torch.where(hidden, torch.randn_like(images), images)
    torch.manual_seed(0)
    latent_changed, mask_changed, _ = model.backbone(changed)
    # masked pixels reach no visible token, through no convolution ...
    assert torch.equal(mask_changed, mask)
    torch.testing.assert_close(latent_changed, latent)
    # ... though they do without the mask
    tokens, _ = model.backbone.forward_tokens(images)
    tokens_changed, _ = model.backbone.forward_tokens(changed)
    assert not torch.allclose(tokens_changed, tokens)


def test_convmae_decoder_predicts_every_patch():
    model = build('convmae_synthetic.py')
    torch.manual_seed(0)
    latent, mask, restore = model.backbone(torch.randn(3, 3, 64, 64))
    pred = model.neck(latent, restore)
    assert pred.shape == (3, 16, 16 * 16 * 3)


def test_checkpoints_with_the_fusion_at_the_top_still_load():
    model = build('convmae_synthetic.py')
    state = model.state_dict()
    old = {key.replace('backbone.stage1_output_decode.', 'stage_fusion.0.')
           .replace('backbone.stage2_output_decode.', 'stage_fusion.1.'):
           torch.randn_like(value) if 'output_decode' in key else value
           for key, value in state.items()}
    assert 'stage_fusion.1.weight' in old
    model.load_state_dict(old)
    assert torch.equal(model.backbone.stage2_output_decode.weight,
                       old['stage_fusion.1.weight'])
