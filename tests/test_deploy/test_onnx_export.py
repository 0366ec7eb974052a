"""ONNX export of tiny segmentors and detectors: ONNX Runtime gives
PyTorch's outputs, and the detector graph gives MMDet's detections."""
import json
from pathlib import Path

import numpy as np
import onnxruntime
import pytest
import torch
from mmdet.structures import DetDataSample
from mmengine.config import Config

from univ_mm.deploy.model_card import card_path, sha256
from univ_mm.deploy.onnx_export import (
    build_graph,
    build_model,
    default_image_size,
    export_onnx,
    load_model,
)

SEG = Path('configs/seg')
DET = Path('configs/det')
TINY_VIT = dict(_delete_=True, embed_dims=32, num_layers=4, num_heads=2,
                feedforward_channels=64)
#: Config overrides of a tiny UPerNet (ViT or ConvMAE) on 64 x 64 crops.
SEG_MODELS = {
    'vit': (SEG / 'upernet_univ-vit-b_4xb2-48k_msrs-ir-512x512.py', {
        'model.backbone.arch': TINY_VIT, 'model.backbone.img_size': 64,
        'model.backbone.out_indices': [0, 1, 2, 3],
        'model.neck.embed_dim': 32, 'model.decode_head.in_channels': [32] * 4,
        'model.decode_head.channels': 16,
        'model.auxiliary_head.in_channels': 32,
        'model.auxiliary_head.channels': 16}),
    'convmae': (SEG / 'upernet_univ-convmae-b_4xb2-48k_msrs-ir-512x512.py', {
        'model.backbone.arch': 'tiny', 'model.backbone.img_size': 64,
        'model.decode_head.in_channels': [16, 24, 32, 32],
        'model.decode_head.channels': 16,
        'model.auxiliary_head.in_channels': 32,
        'model.auxiliary_head.channels': 16}),
}
#: Config overrides of a tiny Faster R-CNN (ViT + simple pyramid).
DET_HEADS = {
    'model.neck.out_channels': 16, 'model.rpn_head.in_channels': 16,
    'model.rpn_head.feat_channels': 16,
    'model.roi_head.bbox_roi_extractor.out_channels': 16,
    'model.roi_head.bbox_head.in_channels': 16,
    'model.roi_head.bbox_head.conv_out_channels': 16,
    'model.roi_head.bbox_head.fc_out_channels': 32,
    'model.test_cfg.rpn.max_per_img': 100}
DET_MODELS = {
    'vit': (DET / 'faster-rcnn_univ-vit-b-p16-sfp_1xb2-12e_m3fd-ir-1024.py', {
        **DET_HEADS, 'model.backbone.arch': dict(TINY_VIT, num_layers=2),
        'model.neck.in_channels': 32}),
    'convmae': (DET / 'faster-rcnn_univ-convmae-b-fpn_1xb2-12e_m3fd-ir-'
                '1024.py', {**DET_HEADS, 'model.backbone.arch': 'tiny',
                            'model.neck.in_channels': [16, 24, 32, 32]}),
}
SIZE = (64, 64)
#: Largest ONNX Runtime - PyTorch differences allowed (measured: logits
#: about 1e-5, boxes about 1e-4 pixels, scores about 1e-6).
LOGITS_ATOL, BOX_ATOL, SCORE_ATOL = 1e-4, 1e-3, 1e-5


def trained(tmp_path: Path, config: Path, overrides: dict) -> tuple[Path,
                                                                  Path]:
    """A tiny model of ``config`` with random weights, saved as a run
    saves it: its config file and ``iter_1.pth``."""
    cfg = Config.fromfile(config)
    cfg.merge_from_dict(overrides)
    cfg.model.backbone.init_cfg = None
    cfg.dump(tmp_path / 'tiny.py')
    torch.manual_seed(0)
    model = build_model(cfg)
    for param in model.parameters():  # random, not init's constants
        torch.nn.init.normal_(param, std=0.1)
    torch.save(dict(state_dict=model.state_dict()), tmp_path / 'iter_1.pth')
    return tmp_path / 'tiny.py', tmp_path / 'iter_1.pth'


def run_onnx(path: Path, image: torch.Tensor) -> list[np.ndarray]:
    session = onnxruntime.InferenceSession(
        str(path), providers=['CPUExecutionProvider'])
    return session.run(None, {'image': image.numpy()})


@pytest.mark.parametrize('backbone', [
    'vit', pytest.param('convmae', marks=pytest.mark.slow)])  # 25 s
def test_seg_onnx_gives_the_pytorch_logits_at_any_batch(backbone, tmp_path):
    config, checkpoint = trained(tmp_path, *SEG_MODELS[backbone])
    card = export_onnx(config, checkpoint, tmp_path / 'seg.onnx', SIZE, 1)
    assert card['parity']['same_count']
    assert card['parity']['max_abs']['logits'] < LOGITS_ATOL
    graph = build_graph(load_model(config, checkpoint), SIZE)
    image = torch.rand(3, 3, *SIZE) * 255  # exported with 2 images
    with torch.no_grad():
        expected = graph(image)
    assert expected.shape == (3, 9, *SIZE)
    np.testing.assert_allclose(run_onnx(tmp_path / 'seg.onnx', image)[0],
                               expected.numpy(), atol=LOGITS_ATOL, rtol=0)
    written = json.loads(card_path(tmp_path / 'seg.onnx').read_text())
    assert written['sha256'] == {'seg.onnx': sha256(tmp_path / 'seg.onnx')}
    assert written['checkpoint_sha256'] == sha256(checkpoint)
    assert written['schedule']['train_cfg']['type'] == 'IterBasedTrainLoop'


@pytest.mark.slow  # 30 s each
@pytest.mark.parametrize('backbone', sorted(DET_MODELS))
def test_det_onnx_gives_the_pytorch_detections(backbone, tmp_path):
    config, checkpoint = trained(tmp_path, *DET_MODELS[backbone])
    card = export_onnx(config, checkpoint, tmp_path / 'det.onnx', SIZE, 1)
    graph = build_graph(load_model(config, checkpoint), SIZE)
    image = torch.rand(1, 3, *SIZE) * 255
    with torch.no_grad():
        boxes, scores, labels = graph(image)
    got = run_onnx(tmp_path / 'det.onnx', image)
    assert card['parity']['same_count'] and len(boxes) == len(got[0]) > 0
    np.testing.assert_allclose(got[0], boxes.numpy(), atol=BOX_ATOL, rtol=0)
    np.testing.assert_allclose(got[1], scores.numpy(), atol=SCORE_ATOL,
                               rtol=0)
    np.testing.assert_array_equal(got[2], labels.numpy())


def test_onnx_detector_graph_computes_what_mmdet_predicts(tmp_path):
    """The graph's own post-processing (torchvision NMS and RoIAlign,
    masks instead of branches) against ``TwoStageDetector.predict``."""
    config, checkpoint = trained(tmp_path, *DET_MODELS['vit'])
    model = load_model(config, checkpoint)
    graph = build_graph(model, SIZE)
    image = torch.rand(1, 3, *SIZE) * 255
    sample = DetDataSample(metainfo=dict(img_shape=SIZE, ori_shape=SIZE,
                                         scale_factor=(1., 1.)))
    with torch.no_grad():
        boxes, scores, labels = graph(image)
        expected = model.predict(graph.normalise(image), [sample],
                                 rescale=False)[0].pred_instances
    assert len(boxes) == len(expected.bboxes) > 0
    torch.testing.assert_close(boxes, expected.bboxes)
    torch.testing.assert_close(scores, expected.scores)
    assert torch.equal(labels, expected.labels)


def test_onnx_export_refuses_a_backbone_export_as_checkpoint(tmp_path):
    config, checkpoint = trained(tmp_path, *SEG_MODELS['vit'])
    backbone = {k.removeprefix('backbone.'): v for k, v in torch.load(
        checkpoint)['state_dict'].items() if k.startswith('backbone.')}
    torch.save(dict(state_dict=backbone), tmp_path / 'univ_backbone.pth')
    with pytest.raises(KeyError, match='univ_backbone.pth does not fit the '
                       'model of .*tiny.py.*training checkpoint'):
        load_model(config, tmp_path / 'univ_backbone.pth')


def test_onnx_input_size_defaults_to_the_crop_or_the_padding():
    assert default_image_size(SEG_MODELS['vit'][0]) == (512, 512)
    assert default_image_size(DET_MODELS['vit'][0]) == (1024, 1024)
