"""univ_mm.apis.det_inference draws a box along the image edge silently."""
import warnings
from types import SimpleNamespace

import numpy as np
import torch
from mmdet.structures import DetDataSample
from mmengine.config import Config
from mmengine.structures import InstanceData
from PIL import Image

from univ_mm.apis.det_inference import draw


def test_a_label_past_the_image_edge_does_not_warn(tmp_path, monkeypatch):
    image = tmp_path / 'image.png'
    Image.fromarray(np.zeros((32, 32, 3), np.uint8)).save(image)
    result = DetDataSample(pred_instances=InstanceData(
        bboxes=torch.tensor([[4., 4., 12., 12.], [29.5, 10., 31., 20.]]),
        labels=torch.tensor([0, 0]), scores=torch.tensor([0.9, 0.8])))
    monkeypatch.setattr('mmdet.apis.inference_detector', lambda *_: result)
    model = SimpleNamespace(
        cfg=Config(dict(visualizer=dict(type='mmdet.DetLocalVisualizer'))),
        dataset_meta=dict(classes=('car',), palette=[(255, 0, 0)]))
    out = tmp_path / 'out.png'
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        assert draw(model, str(image), {'image': np.zeros(
            (32, 32, 3), np.uint8)}, out, 0.5) == 2
    assert out.is_file()
    assert not [w for w in caught if 'out of bounds' in str(w.message)]
