"""Exporting the merged backbone never runs config text of a checkpoint;
backbones load a training checkpoint as its export."""
import pytest
import torch
from helpers import tiny_vit, train_lora_by_hand
from mmengine.config import Config
from mmengine.registry import DefaultScope

from univ_mm.checkpoint.literal_config import literal_config
from univ_mm.checkpoint.safe_io import save_atomically
from univ_mm.registry import MODELS
from univ_mm.utils.export import export_backbone

TINY_CONVMAE = dict(type='UNIVConvMAE', arch='tiny', img_size=64,
                    out_indices=(2, ))


def test_literal_config_reads_mmengine_text():
    cfg = literal_config(
        "model = dict(type='UNIV', arch={'a-b': [1, (2, -3.5)]}, x=None)\n"
        'flags = {True, False}\n', 'text')
    assert cfg.model == dict(type='UNIV', arch={'a-b': [1, (2, -3.5)]},
                             x=None)
    assert cfg.flags == {True, False}


def test_export_never_runs_config_text_in_meta(tmp_path):
    marker = tmp_path / 'config-ran'
    text = f"model = dict(a=__import__('os').mkdir({str(marker)!r}))"
    path = save_atomically(dict(
        state_dict={'backbone.w': torch.ones(1)}, meta=dict(cfg=text)),
        tmp_path / 'iter_2.pth')
    with pytest.raises(ValueError, match='line 1 is not a plain literal'):
        export_backbone(path, tmp_path / 'out.pth')
    assert not marker.exists()


def test_export_into_a_folder_asks_for_a_file_name(tmp_path):
    with pytest.raises(IsADirectoryError, match='give the output file'):
        export_backbone(tmp_path / 'iter_2.pth', tmp_path)


@pytest.mark.parametrize('backbone', [tiny_vit(), TINY_CONVMAE],
                         ids=['vit', 'convmae'])
def test_a_training_checkpoint_loads_as_its_export(backbone, tmp_path):
    cfg = Config(dict(model=dict(
        type='UNIV', backbone=dict(backbone, lora_cfg=dict(lora_dropout=0.)),
        teacher=backbone)))
    torch.manual_seed(0)
    model = MODELS.build(cfg.model)
    model.init_weights()
    train_lora_by_hand(model.backbone)
    checkpoint = save_atomically(
        dict(state_dict=model.state_dict(),
             meta=dict(cfg=cfg.pretty_text, iter=1)), tmp_path / 'iter_1.pth')
    export = torch.load(export_backbone(checkpoint, tmp_path / 'export.pth'),
                        weights_only=True)
    assert export['meta']['iter'] == 1
    assert export['meta']['arch'].keys() == model.backbone.arch_settings.keys()
    exported = export['state_dict']
    teacher = model.teacher.state_dict()
    for prefix, expected in ((None, exported), ('backbone.', exported),
                             ('teacher.', teacher)):
        plain = MODELS.build(dict(backbone, init_cfg=dict(
            type='Pretrained', checkpoint=str(checkpoint), prefix=prefix)))
        plain.init_weights()
        loaded = plain.state_dict()
        assert set(loaded) == set(expected)
        for key, value in expected.items():
            torch.testing.assert_close(loaded[key], value, atol=1e-5, rtol=0,
                                       msg=f'{prefix} {key}')
    assert any(not torch.equal(exported[k], teacher[k]) for k in teacher)


def test_export_with_a_config_file_reads_its_lora_numbers(tmp_path):
    """Without ``meta['cfg']``, ``--config`` gives the type, arch and
    ``lora_alpha`` (not the default 32); nothing is built, so no default
    scope (here MMSegmentation's) has to know the backbone."""
    cfg = Config(dict(model=dict(
        type='UNIV', backbone=tiny_vit(lora_cfg=dict(lora_dropout=0.,
                                                     lora_alpha=4)),
        teacher=tiny_vit())))
    torch.manual_seed(0)
    model = MODELS.build(cfg.model)
    train_lora_by_hand(model.backbone)
    config = tmp_path / 'train.py'
    cfg.dump(config)
    checkpoint = save_atomically(dict(state_dict=model.state_dict()),
                                 tmp_path / 'iter_1.pth')
    with pytest.raises(KeyError, match='no meta.cfg.*--config'):
        export_backbone(checkpoint, tmp_path / 'export.pth')
    with DefaultScope.overwrite_default_scope('mmseg'):
        out = export_backbone(checkpoint, tmp_path / 'export.pth',
                              str(config))
    exported = torch.load(out, weights_only=True)
    assert exported['meta']['arch'] == model.backbone.arch_settings
    expected = model.backbone.merged_state_dict()
    assert exported['state_dict'].keys() == expected.keys()
    for key, value in expected.items():
        assert torch.equal(exported['state_dict'][key], value), key
