"""A checkpoint chooses no code: the type its config text names is never
built, and a pre-training checkpoint loads under any default scope."""
import shutil

import mmdet.models  # noqa: F401
import mmseg.models  # noqa: F401
import pytest
import torch
from helpers import tiny_univ, tiny_vit, train_lora_by_hand
from mmdet.registry import MODELS as DET_MODELS
from mmengine.config import Config
from mmengine.optim import OptimWrapper
from mmengine.registry import DefaultScope
from mmengine.structures import PixelData
from mmseg.registry import MODELS as SEG_MODELS
from mmseg.structures import SegDataSample

from univ_mm.checkpoint.safe_io import save_atomically, use_safe_checkpoints
from univ_mm.models.backbones.lora_merge import merge_lora_weights
from univ_mm.registry import MODELS
from univ_mm.utils.export import export_backbone, own_backbones

TINY_CONVMAE = dict(type='UNIVConvMAE', arch='tiny', img_size=64,
                    out_indices=(2, ))
URL = 'https://example.org/iter_1.pth'


@pytest.fixture
def crafted(tmp_path):
    """A plain dict with one LoRA key whose config names ``os.system``."""
    marker = tmp_path / 'marker'
    text = ("model = dict(backbone=dict(type='os.system', "
            f"command='id > {marker}'))")
    path = save_atomically(dict(
        state_dict={'backbone.layers.0.attn.qkv.lora_A.default.weight':
                    torch.zeros(8, 32)}, meta=dict(cfg=text)),
        tmp_path / 'iter_1.pth')
    yield path
    assert not marker.exists()


def pretrained(checkpoint) -> dict:
    return dict(type='Pretrained', checkpoint=str(checkpoint))


def export_tool(path, monkeypatch):
    use_safe_checkpoints()  # as tools/export_backbone.py does first
    export_backbone(str(path), str(path.parent / 'out.pth'))


def teacher_init(path, monkeypatch):
    MODELS.build(tiny_univ(teacher=tiny_vit(
        init_cfg=pretrained(path)))).init_weights()


def hf_folder(path, monkeypatch):
    folder = path.parent / 'hub'
    folder.mkdir()
    shutil.copy(path, folder / 'pytorch_model.bin')
    MODELS.build(tiny_vit(init_cfg=pretrained(folder))).init_weights()


def convmae_init(path, monkeypatch):
    MODELS.build(dict(TINY_CONVMAE,
                      init_cfg=pretrained(path))).init_weights()


def teacher_url(path, monkeypatch):
    monkeypatch.setattr(torch.hub, 'get_dir',
                        lambda: str(path.parent / 'hub'))
    monkeypatch.setattr(torch.hub, 'download_url_to_file',
                        lambda url, out: shutil.copy(path, out))
    teacher_init(URL, monkeypatch)


@pytest.mark.parametrize('entry, error', [
    (export_tool, "type 'os.system' is not one of the project's"),
    (teacher_init, 'LoRA layer layers.0.attn.qkv lacks'),
    (hf_folder, 'LoRA layer layers.0.attn.qkv lacks'),
    (convmae_init, 'LoRA layer layers.0.attn.qkv lacks'),
    (teacher_url, 'LoRA layer layers.0.attn.qkv lacks'),
], ids=lambda value: getattr(value, '__name__', ''))
def test_the_type_a_checkpoint_names_is_never_built(crafted, monkeypatch,
                                                    entry, error):
    with pytest.raises((KeyError, ValueError), match=error):
        entry(crafted, monkeypatch)


def trained_student(backbone: dict, lora_cfg: dict):
    """A tiny UNIV model whose LoRA changes the weights, as after
    training."""
    torch.manual_seed(0)
    cfg = Config(dict(model=dict(
        type='UNIV', backbone=dict(backbone, lora_cfg=lora_cfg),
        teacher=backbone)))
    model = MODELS.build(cfg.model)
    train_lora_by_hand(model.backbone)
    return cfg, model


@pytest.mark.parametrize('backbone', [tiny_vit(), TINY_CONVMAE],
                         ids=['vit', 'convmae'])
@pytest.mark.parametrize('lora_cfg', [
    dict(lora_dropout=0.), dict(lora_dropout=0., r=4, lora_alpha=6,
                                use_rslora=True)], ids=['default', 'rslora'])
def test_tensor_merge_equals_the_module_merge_bit_for_bit(backbone,
                                                          lora_cfg):
    _, model = trained_student(backbone, lora_cfg)
    defaults = own_backbones()[backbone['type']][1]
    merged = merge_lora_weights(model.backbone.state_dict(),
                                {**defaults, **lora_cfg}, 'test')
    expected = model.backbone.merged_state_dict()
    assert list(merged) == list(expected)
    for key, value in expected.items():
        assert torch.equal(merged[key], value), key


@pytest.fixture
def iter_checkpoint(tmp_path):
    """A pre-training ``iter_2.pth`` of a tiny UNIV ViT, and its merged
    student; the LoRA config is not the default one."""
    cfg, model = trained_student(tiny_vit(),
                                 dict(lora_dropout=0., lora_alpha=8))
    path = save_atomically(
        dict(state_dict=model.state_dict(),
             meta=dict(cfg=cfg.pretty_text, iter=2)), tmp_path / 'iter_2.pth')
    return path, model.backbone.merged_state_dict()


def downstream_backbone(checkpoint) -> dict:
    return dict(tiny_vit(init_cfg=pretrained(checkpoint)),
                type='univ_mm.UNIVVisionTransformer', out_indices=(1, ))


def assert_loaded(backbone, expected: dict) -> None:
    loaded = backbone.state_dict()
    assert set(loaded) == set(expected)
    for key, value in expected.items():
        assert torch.equal(loaded[key], value), key


def test_pretraining_checkpoint_initialises_mmseg_and_trains(
        iter_checkpoint):
    path, expected = iter_checkpoint
    with DefaultScope.overwrite_default_scope('mmseg'):
        model = SEG_MODELS.build(dict(
            type='EncoderDecoder',
            data_preprocessor=dict(type='SegDataPreProcessor', size=(32, 32)),
            backbone=downstream_backbone(path),
            decode_head=dict(type='FCNHead', in_channels=32, channels=8,
                             num_convs=1, concat_input=False, num_classes=2,
                             norm_cfg=dict(type='BN'))))
        model.init_weights()
        assert_loaded(model.backbone, expected)
        sample = SegDataSample(
            gt_sem_seg=PixelData(data=torch.zeros(1, 32, 32).long()),
            metainfo=dict(img_shape=(32, 32), ori_shape=(32, 32)))
        losses = model.train_step(
            dict(inputs=[torch.rand(3, 32, 32) * 255],
                 data_samples=[sample]),
            OptimWrapper(torch.optim.SGD(model.parameters(), lr=0.01)))
    assert torch.isfinite(losses['loss'])


def test_pretraining_checkpoint_initialises_mmdet(iter_checkpoint):
    path, expected = iter_checkpoint
    with DefaultScope.overwrite_default_scope('mmdet'):
        model = DET_MODELS.build(dict(
            type='FCOS', data_preprocessor=dict(type='DetDataPreprocessor'),
            backbone=downstream_backbone(path),
            neck=dict(type='FPN', in_channels=[32], out_channels=8,
                      num_outs=1),
            bbox_head=dict(type='FCOSHead', num_classes=2, in_channels=8,
                           feat_channels=8, stacked_convs=1, norm_cfg=None,
                           strides=[8], regress_ranges=((-1, 1e8), ))))
        model.init_weights()
    assert_loaded(model.backbone, expected)
