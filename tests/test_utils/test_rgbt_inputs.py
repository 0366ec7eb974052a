"""The tools' RGB-T inputs: a pair, or one camera with the other lost."""
from types import SimpleNamespace

import numpy as np
import pytest
from mmengine.config import Config
from PIL import Image

from univ_mm.utils.cli import drop_modality
from univ_mm.utils.rgbt_inputs import fused_input, is_rgbt, read_camera_images


def write(path, array):
    Image.fromarray(array).save(path)
    return path


@pytest.fixture
def pair(tmp_path):
    rng = np.random.default_rng(0)
    rgb = rng.integers(0, 255, (8, 10, 3), dtype=np.uint8)
    ir = rng.integers(0, 255, (8, 10), dtype=np.uint8)
    return write(tmp_path / 'rgb.png', rgb), write(tmp_path / 'ir.png', ir)


def test_a_pair_is_fused_bgr_then_thermal(pair):
    model = SimpleNamespace(backbone=SimpleNamespace(drop_modality='ir'))
    images = read_camera_images(*pair)
    fused = fused_input(model, images)
    assert fused.shape == (8, 10, 6) and model.backbone.drop_modality is None
    rgb = np.asarray(Image.open(pair[0]))
    np.testing.assert_array_equal(fused[..., :3], rgb[..., ::-1])
    ir = np.asarray(Image.open(pair[1]))
    np.testing.assert_array_equal(fused[..., 3:], np.repeat(ir[..., None], 3,
                                                            axis=2))


@pytest.mark.parametrize('lost', ['rgb', 'ir'])
def test_one_camera_runs_with_the_other_lost(pair, lost):
    model = SimpleNamespace(backbone=SimpleNamespace(drop_modality=None))
    given = dict(zip(('rgb', 'ir'), pair, strict=True))
    given[lost] = None
    fused = fused_input(model, read_camera_images(given['rgb'], given['ir']))
    assert model.backbone.drop_modality == lost
    zeros = slice(0, 3) if lost == 'rgb' else slice(3, 6)
    kept = slice(3, 6) if lost == 'rgb' else slice(0, 3)
    assert not fused[..., zeros].any() and fused[..., kept].any()


def test_bad_pairs_are_refused(pair, tmp_path):
    with pytest.raises(ValueError, match='needs an RGB image'):
        read_camera_images(None, None)
    small = write(tmp_path / 'small.png', np.zeros((4, 4), np.uint8))
    with pytest.raises(ValueError, match='pixel-aligned'):
        read_camera_images(pair[0], small)
    with pytest.raises(FileNotFoundError, match='missing.png'):
        read_camera_images(tmp_path / 'missing.png', None)


def test_only_a_fusion_backbone_makes_an_rgbt_config():
    assert is_rgbt(dict(backbone=dict(type='univ_mm.RGBTFusionBackbone')))
    assert not is_rgbt(dict(backbone=dict(type='UNIVVisionTransformer')))
    assert not is_rgbt(dict())


def test_test_tool_drops_a_camera_of_rgbt_configs_only():
    cfg = Config.fromfile(
        'configs/seg/upernet_univ-vit-b_2xb4-9.8k_mfnet-rgbt-512x512.py')
    cfg.work_dir = 'work_dirs/x'
    drop_modality(cfg, 'rgb', default_dir=True)
    assert cfg.model.backbone.drop_modality == 'rgb'
    assert cfg.work_dir == 'work_dirs/x_rgb-lost'
    one = Config.fromfile(
        'configs/seg/upernet_univ-vit-b_2xb4-9.8k_mfnet-t-512x512.py')
    with pytest.raises(ValueError, match='not an RGB-T config'):
        drop_modality(one, 'ir', default_dir=False)
