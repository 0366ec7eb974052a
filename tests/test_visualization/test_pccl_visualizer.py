"""PCCLVisualizer and tools/visualize_pccl.py write and log pictures."""

import cv2
import numpy as np
import pytest
import torch
from helpers import TINY_ARCH
from mmengine.config import Config
from mmengine.visualization import BaseVisBackend

from univ_mm.apis import visualize_pccl
from univ_mm.registry import MODELS, VISBACKENDS, VISUALIZERS
from univ_mm.synthetic.world import generate_synthetic_mvip
from univ_mm.visualization import PCCLVisualizer, pca_colours

CONFIG = 'configs/pretrain/univ_vit-t_synthetic-demo.py'
CONVMAE_CONFIG = 'configs/pretrain/univ_convmae-tiny_synthetic-demo.py'


@VISBACKENDS.register_module(force=True)
class RecordingVisBackend(BaseVisBackend):
    """Stands in for TensorBoard: remembers every image it is given."""

    images: dict = {}

    @property
    def experiment(self):
        return self

    def _init_env(self):
        pass

    def add_image(self, name, image, step=0, **kwargs):
        RecordingVisBackend.images[name, step] = image


def test_pca_colours_match_where_tokens_match():
    reference = torch.randn(12, 16)
    colours, scaled, opposite = pca_colours(reference, reference * 3,
                                            -reference, grid=(3, 4))
    assert colours.shape == (3, 4, 3) and colours.dtype == np.uint8
    np.testing.assert_array_equal(colours, scaled)  # cosine, not length
    assert (opposite != colours).any()


def test_visualizer_draws_and_sends_to_every_backend(tmp_path):
    visualizer = VISUALIZERS.build(dict(
        type='PCCLVisualizer', name='test_pccl_visualizer', scale=2,
        save_dir=str(tmp_path), vis_backends=[
            dict(type='LocalVisBackend'), dict(type='RecordingVisBackend')]))
    assert isinstance(visualizer, PCCLVisualizer)
    rgb = np.random.default_rng(0).integers(0, 255, (16, 24, 3), np.uint8)
    pair = visualizer.draw_pair(rgb, rgb[..., 0])
    assert pair.shape == (32, 2 * 48 + 4, 3)
    pairs = torch.zeros(6)
    pairs[[1, 4]] = 1
    picture = visualizer.draw_pseudo_pairs(rgb, torch.rand(6), pairs, (2, 3),
                                           query=4)
    assert picture.shape == pair.shape
    visualizer.add_image('pccl_pair', pair, step=3)
    written = cv2.imread(str(tmp_path / 'vis_data/vis_image/pccl_pair_3.png'))
    np.testing.assert_array_equal(written[..., ::-1], pair)
    assert RecordingVisBackend.images['pccl_pair', 3] is pair


def recorded(data, scale: tuple[int, int]) -> dict:
    """Options: validation pairs of ``data`` at ``scale``, pictures to the
    recording backend."""
    return {'val_dataloader.dataset.data_root': str(data),
            'val_dataloader.dataset.pipeline.1.scale': scale,
            'visualizer.vis_backends.0.type': 'RecordingVisBackend'}


def test_tool_writes_before_after_pictures(tmp_path):
    data = tmp_path / 'data'
    generate_synthetic_mvip(str(data), num_pairs=8, image_size=(32, 40))
    cfg = Config.fromfile(CONFIG)
    for part in (cfg.model.backbone, cfg.model.teacher):
        part.update(arch=TINY_ARCH, img_size=(32, 40), patch_size=8)
    cfg.dump(str(tmp_path / 'config.py'))
    checkpoints = []
    for name, scale in (('before', 0.0), ('after', 0.5)):
        torch.manual_seed(0)
        model = MODELS.build(cfg.model)
        model.init_weights()
        for key, value in model.state_dict().items():
            if 'lora_B' in key:  # "training" moves the LoRA weights
                value.normal_(0, scale)
        checkpoints.append(str(tmp_path / f'{name}.pth'))
        torch.save(dict(state_dict=model.state_dict()), checkpoints[-1])
    RecordingVisBackend.images.clear()
    paths = visualize_pccl(
        str(tmp_path / 'config.py'), checkpoints,
        out_dir=str(tmp_path / 'out'), step=7,
        cfg_options=recorded(data, (40, 32)))
    names = ['pccl_pair', 'pccl_pseudo_pairs', 'pccl_pca']
    assert [p.name for p in paths] == [f'{n}.png' for n in names]
    pca = cv2.imread(str(paths[-1]))
    # teacher RGB and IR/RGB of both checkpoints: five titled panels
    assert pca.shape == (32 * 4, 5 * 40 * 4 + 4 * 4, 3)
    assert sorted(RecordingVisBackend.images) == sorted(
        (n, 7) for n in names)


def test_tool_reads_the_convmae_token_stride(tmp_path):
    data = tmp_path / 'data'
    generate_synthetic_mvip(str(data), num_pairs=8, image_size=(32, 48))
    paths = visualize_pccl(CONVMAE_CONFIG, out_dir=str(tmp_path / 'out'),
                           cfg_options=recorded(data, (48, 32)))
    # a 2x3 grid of stride-16 tokens fits the 32x48 pair: three panels
    pca = cv2.imread(str(paths[-1]))
    assert pca.shape == (32 * 4, 3 * 48 * 4 + 2 * 4, 3)


def test_tool_wants_one_label_per_checkpoint():
    with pytest.raises(SystemExit, match='2 labels for 1 checkpoints'):
        visualize_pccl(CONFIG, ['a.pth'], labels=['a', 'b'])
