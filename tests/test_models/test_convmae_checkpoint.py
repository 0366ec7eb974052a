"""UNIVConvMAE loads the ConvMAE release, the UNIV release and our files."""
import argparse
import os
from unittest import mock

import pytest
import torch

from univ_mm.checkpoint.safe_io import save_merged_backbone
from univ_mm.registry import MODELS


class Payload:
    """Pickles into a call that would create a directory when unpickled."""

    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __reduce__(self):
        return (os.mkdir, (self.marker, ))


def build(checkpoint=None, **overrides):
    init_cfg = checkpoint and dict(type='Pretrained',
                                   checkpoint=str(checkpoint))
    cfg = dict(type='UNIVConvMAE', arch='tiny', img_size=64,
               init_cfg=init_cfg)
    return MODELS.build({**cfg, **overrides})


@pytest.fixture(scope='module')
def encoder() -> dict:
    """A random tiny encoder state under the release's names."""
    torch.manual_seed(0)
    model = build(out_indices=(2, ))
    for param in model.parameters():
        torch.nn.init.normal_(param, std=0.05)
    return model.state_dict()


def decoder() -> dict:
    """What the ConvMAE release stores besides the encoder."""
    return {'decoder_embed.weight': torch.zeros(8, 32),
            'decoder_blocks.0.attn.qkv.weight': torch.zeros(24, 8),
            'mask_token': torch.zeros(1, 1, 8),
            'stage1_output_decode.weight': torch.zeros(32, 16, 4, 4)}


def formats(encoder: dict) -> dict:
    """Every format, as the file it is saved in."""
    training = {f'backbone.{k}': v for k, v in encoder.items()}
    training['decode_head.conv_seg.weight'] = torch.zeros(2, 32, 1, 1)
    return {
        'convmae_release': dict(model={**encoder, **decoder()}),
        'univ_release': dict(
            student=encoder, teacher={**encoder, **decoder()},
            optimizer=dict(state={}, param_groups=[dict(lr=1e-4)]),
            epoch=400, fp16_scaler=dict(scale=1024.0),
            args=argparse.Namespace(clip_grad=3.0, use_fp16=True,
                                    output_dir='out', local_rank=0)),
        'training': dict(state_dict=training, meta=dict(iter=4)),
    }


@pytest.mark.parametrize('name', ['convmae_release', 'univ_release',
                                  'export', 'training'])
def test_each_format_loads_the_encoder(name, encoder, tmp_path):
    path = tmp_path / f'{name}.pth'
    if name == 'export':
        save_merged_backbone(encoder, path)
    else:
        torch.save(formats(encoder)[name], path)
    model = build(path, lora_cfg=dict(lora_dropout=0.0))
    with mock.patch('univ_mm.models.backbones.pretrained.pipeline.'
                    'print_log') as log:
        model.init_weights()
    merged = model.merged_state_dict()  # LoRA B = 0: the base weights
    for key, value in encoder.items():
        torch.testing.assert_close(merged[key], value, msg=key)
    if name == 'convmae_release':
        log.assert_called_once()
        assert 'decoder_embed, mask_token' in log.call_args.args[0]


def test_a_pickled_object_beyond_the_release_is_refused(encoder, tmp_path):
    marker = tmp_path / 'payload-ran'
    path = tmp_path / 'evil.pth'
    torch.save(dict(student=encoder, args=Payload(str(marker))), path)
    with pytest.raises(RuntimeError, match='refusing to load'):
        build(path).init_weights()
    assert not marker.exists()


def test_a_missing_encoder_weight_is_named(encoder, tmp_path):
    path = tmp_path / 'partial.pth'
    partial = dict(encoder)
    partial.pop('blocks3.1.attn.qkv.weight')
    torch.save(dict(model=partial), path)
    with pytest.raises(KeyError, match='blocks3.1.attn.qkv.weight'):
        build(path).init_weights()


def test_a_lora_student_without_its_config_asks_for_an_export(tmp_path):
    path = tmp_path / 'student.pth'
    student = build(lora_cfg=dict(lora_dropout=0.0))
    torch.save(dict(state_dict={f'backbone.{k}': v for k, v in
                                student.state_dict().items()}), path)
    with pytest.raises(KeyError, match='no meta.cfg.*export_backbone.py'):
        build(path).init_weights()


def test_position_embedding_of_another_size_is_resized(encoder, tmp_path):
    path = tmp_path / 'release.pth'
    torch.save(dict(model=encoder), path)
    model = build(path, img_size=128, use_rel_pos_bias=True,
                  layer_scale_init_value=1.0)
    model.init_weights()
    assert model.pos_embed.shape == (1, 64, 32)
    table = model.blocks3[0].attn.relative_position_bias_table
    assert not table.any()  # fresh fine-tuning parameters keep their init
