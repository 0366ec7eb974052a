"""The tools refuse a checkpoint of the wrong kind before loading it."""
import runpy
import sys

import numpy as np
import pytest
import torch
from PIL import Image

from univ_mm.apis import detect_image, segment_image, visualize_pccl
from univ_mm.checkpoint.safe_io import save_atomically
from univ_mm.utils.weights_check import CheckpointKindError

SEG_CONFIG = 'configs/seg/upernet_univ-vit-b_4xb2-48k_msrs-ir-512x512.py'
DET_CONFIG = ('configs/det/'
              'faster-rcnn_univ-vit-b-p16-sfp_1xb2-53k_flir-ir-1024.py')
PRETRAIN_CONFIG = 'configs/pretrain/univ_vit-t_synthetic-demo.py'
KEYS = dict(  # a few keys of each kind's state dict
    segmentor=['backbone.pos_embed', 'decode_head.conv_seg.weight'],
    detector=['backbone.pos_embed', 'rpn_head.rpn_conv.weight'])


def checkpoint(tmp_path, kind):
    state = {key: torch.zeros(1) for key in KEYS[kind]}
    return str(save_atomically(dict(state_dict=state),
                               tmp_path / f'{kind}.pth'))


@pytest.fixture
def image(tmp_path):
    path = tmp_path / 'image.png'
    Image.fromarray(np.zeros((8, 8, 3), np.uint8)).save(path)
    return str(path)


def refusal(found: str, needed: str) -> str:
    return f'is a {found} checkpoint .*this tool needs a {needed} checkpoint'


def test_inference_seg_refuses_a_detector_checkpoint(tmp_path, image):
    with pytest.raises(CheckpointKindError,
                       match=refusal('detector', 'segmentor')):
        segment_image(image, SEG_CONFIG, checkpoint(tmp_path, 'detector'),
                      out_dir=tmp_path, device='cpu')


def test_inference_det_refuses_a_segmentor_checkpoint(tmp_path, image):
    with pytest.raises(CheckpointKindError,
                       match=refusal('segmentor', 'detector')):
        detect_image(image, DET_CONFIG, checkpoint(tmp_path, 'segmentor'),
                     out_file=tmp_path / 'out.png')


def test_test_tool_refuses_a_checkpoint_of_another_task(tmp_path,
                                                        monkeypatch):
    monkeypatch.setattr(sys, 'argv', [
        'tools/test.py', SEG_CONFIG, checkpoint(tmp_path, 'detector'),
        '--work-dir', str(tmp_path)])
    with pytest.raises(CheckpointKindError,
                       match=refusal('detector', 'segmentor')):
        runpy.run_path('tools/test.py', run_name='__main__')


def test_visualize_pccl_refuses_a_segmentor_checkpoint(tmp_path):
    with pytest.raises(CheckpointKindError,
                       match=refusal('segmentor', 'UNIV pre-training')):
        visualize_pccl(PRETRAIN_CONFIG, [checkpoint(tmp_path, 'segmentor')],
                       out_dir=str(tmp_path))
