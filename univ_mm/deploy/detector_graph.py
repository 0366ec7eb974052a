"""Faster R-CNN as one ONNX-exportable forward: pixels -> boxes.

MMDet's test path (``TwoStageDetector.predict``) runs MMCV's NMS and RoIAlign
kernels and Python loops that depend on the data; this forward computes the
same detections with ``torchvision.ops`` (which ONNX knows as
``NonMaxSuppression`` and ``RoiAlign``) and masks instead of branches:

- RPN: per level the top ``nms_pre`` sigmoid scores, deltas decoded on the
  anchors, NMS per level (``batched_nms``'s coordinate offsets), boxes of
  side ``<= min_bbox_size`` dropped, ``max_per_img`` kept;
- RoI features: every RoI pooled from every level, the level of
  ``map_roi_levels`` selected by a mask (the same values as pooling each
  RoI from its level only);
- R-CNN: softmax scores, class-wise decoded boxes, class-wise NMS, then
  ``score > score_thr`` and ``max_per_img``. Filtering after NMS keeps the
  same boxes as filtering before: a box only suppresses lower scores.

Boxes are in the input's pixels (the graph's input is the resized, padded
image; scale them back by the resize factor).
"""
import math

import torch
from mmdet.models.task_modules.coders import DeltaXYWHBBoxCoder
from torch import Tensor, nn
from torchvision.ops import nms, roi_align

from .graphs import Normalise

#: ``delta2bbox``'s default limit of the width and height ratios.
WH_RATIO_CLIP = 16 / 1000


def batched_nms(boxes: Tensor, scores: Tensor, groups: Tensor,
                iou_threshold: float) -> Tensor:
    """NMS within each group, as MMCV's ``batched_nms`` (offset boxes).

    Returns:
        Tensor: Indices of the kept boxes, by decreasing score.
    """
    offsets = groups.to(boxes) * (boxes.max() + 1)
    return nms(boxes + offsets[:, None], scores, iou_threshold)


def decode(coder: DeltaXYWHBBoxCoder, priors: Tensor, deltas: Tensor,
           max_shape: tuple[int, int]) -> Tensor:
    """``delta2bbox`` of MMDet for ``[N, 4]`` priors and deltas, without
    its branch on an empty input (which ``torch.export`` cannot trace).

    Raises:
        ValueError: ``coder`` is not a ``DeltaXYWHBBoxCoder``.
    """
    if not isinstance(coder, DeltaXYWHBBoxCoder):
        raise ValueError(f'{type(coder).__name__} boxes are not exported; '
                         'only DeltaXYWHBBoxCoder')
    deltas = deltas * deltas.new_tensor(coder.stds) + deltas.new_tensor(
        coder.means)
    centres = (priors[:, :2] + priors[:, 2:]) * 0.5
    sides = priors[:, 2:] - priors[:, :2]
    shift, scale = sides * deltas[:, :2], deltas[:, 2:]
    max_ratio = abs(math.log(WH_RATIO_CLIP))
    if coder.add_ctr_clamp:
        shift = shift.clamp(min=-coder.ctr_clamp, max=coder.ctr_clamp)
        scale = scale.clamp(max=max_ratio)
    else:
        scale = scale.clamp(min=-max_ratio, max=max_ratio)
    centres, sides = centres + shift, sides * scale.exp()
    boxes = torch.cat([centres - sides * 0.5, centres + sides * 0.5], -1)
    if coder.clip_border:
        height, width = max_shape
        boxes = torch.stack([boxes[:, 0].clamp(0, width),
                             boxes[:, 1].clamp(0, height),
                             boxes[:, 2].clamp(0, width),
                             boxes[:, 3].clamp(0, height)], -1)
    return boxes


def _nms_threshold(cfg: dict, where: str) -> float:
    """The IoU threshold of a plain ``nms`` config.

    Raises:
        ValueError: Another NMS (soft-NMS...) is configured.
    """
    if cfg.get('type', 'nms') != 'nms':
        raise ValueError(f'{where}.nms.type is {cfg["type"]!r}; only plain '
                         '"nms" is exported')
    return float(cfg['iou_threshold'])


class FasterRCNNGraph(nn.Module):
    """An MMDet ``TwoStageDetector`` with an RPN and a standard box head.

    Args:
        detector (nn.Module): The detector, in eval mode.
        image_size (tuple[int, int]): ``(H, W)`` of the input: the graph
            is exported at one size (the anchors are constants).
    """

    def __init__(self, detector: nn.Module,
                 image_size: tuple[int, int]) -> None:
        super().__init__()
        self._check(detector)
        self.normalise = Normalise(detector.data_preprocessor)
        self.detector = detector
        self.image_size = tuple(image_size)
        self.rpn_cfg, self.rcnn_cfg = (detector.test_cfg.rpn,
                                       detector.test_cfg.rcnn)
        self.rpn_iou = _nms_threshold(self.rpn_cfg.nms, 'test_cfg.rpn')
        self.rcnn_iou = _nms_threshold(self.rcnn_cfg.nms, 'test_cfg.rcnn')

    @staticmethod
    def _check(detector: nn.Module) -> None:
        """Raise ``ValueError`` for parts this forward does not compute."""
        roi_head = getattr(detector, 'roi_head', None)
        problems = {
            'no RPN with sigmoid scores': not getattr(
                getattr(detector, 'rpn_head', None), 'use_sigmoid_cls',
                False),
            'no box RoI head': roi_head is None or not roi_head.with_bbox,
            'a mask head': roi_head is not None and roi_head.with_mask,
            'a shared RoI head': roi_head is not None and
            roi_head.with_shared_head,
        }
        found = [name for name, bad in problems.items() if bad]
        if found:
            raise ValueError(f'{type(detector).__name__} has {found}; the '
                             'ONNX export covers Faster R-CNN (RPN + box '
                             'head)')

    def forward(self, image: Tensor) -> tuple[Tensor, Tensor, Tensor]:
        """Detect in one image ``[1, 3, H, W]`` of pixels.

        Returns:
            tuple[Tensor, Tensor, Tensor]: Boxes ``[K, 4]`` (x1, y1, x2,
            y2), scores ``[K]`` and labels ``[K]`` (int64), by decreasing
            score, ``K <= test_cfg.rcnn.max_per_img``.
        """
        features = self.detector.extract_feat(self.normalise(image))
        proposals = self._proposals(features)
        pooled = self._roi_features(features, proposals)
        cls_score, bbox_pred = self.detector.roi_head.bbox_head(pooled)
        return self._detections(proposals, cls_score, bbox_pred)

    def _proposals(self, features: tuple[Tensor, ...]) -> Tensor:
        """The RPN's proposals ``[N, 4]``, as ``RPNHead.predict``."""
        rpn = self.detector.rpn_head
        cls_scores, bbox_preds = rpn(features)
        priors = rpn.prior_generator.grid_priors(
            [score.shape[-2:] for score in cls_scores],
            device=features[0].device)
        nms_pre = self.rpn_cfg.get('nms_pre', -1)
        scores, deltas, anchors, levels = [], [], [], []
        for level, (score, delta, prior) in enumerate(
                zip(cls_scores, bbox_preds, priors, strict=True)):
            score = score[0].permute(1, 2, 0).reshape(-1).sigmoid()
            delta = delta[0].permute(1, 2, 0).reshape(-1, 4)
            if 0 < nms_pre < score.numel():
                score, index = score.topk(nms_pre)
                delta, prior = delta[index], prior[index]
            scores.append(score)
            deltas.append(delta)
            anchors.append(prior)
            levels.append(torch.full_like(score, level))
        boxes = decode(rpn.bbox_coder, torch.cat(anchors), torch.cat(deltas),
                       self.image_size)
        keep = batched_nms(boxes, torch.cat(scores), torch.cat(levels),
                           self.rpn_iou)
        min_size = self.rpn_cfg.get('min_bbox_size', -1)
        if min_size >= 0:
            sides = boxes[keep, 2:] - boxes[keep, :2]
            keep = keep[(sides > min_size).all(1)]
        return boxes[keep[:self.rpn_cfg.max_per_img]]

    def _roi_features(self, features: tuple[Tensor, ...],
                      proposals: Tensor) -> Tensor:
        """RoIAlign of every proposal from its level of the pyramid."""
        extractor = self.detector.roi_head.bbox_roi_extractor
        rois = torch.cat([torch.zeros_like(proposals[:, :1]), proposals], 1)
        levels = extractor.map_roi_levels(rois, len(extractor.roi_layers))
        pooled = 0
        for level, layer in enumerate(extractor.roi_layers):
            aligned = roi_align(features[level], rois, layer.output_size,
                                layer.spatial_scale, layer.sampling_ratio,
                                layer.aligned)
            mask = (levels == level).to(aligned)[:, None, None, None]
            pooled = pooled + aligned * mask
        return pooled

    def _detections(self, proposals: Tensor, cls_score: Tensor,
                    bbox_pred: Tensor) -> tuple[Tensor, Tensor, Tensor]:
        """Class-wise boxes, NMS and the score threshold of R-CNN."""
        head = self.detector.roi_head.bbox_head
        classes = 1 if head.reg_class_agnostic else head.num_classes
        priors = proposals.repeat_interleave(classes, 0)
        boxes = decode(head.bbox_coder, priors, bbox_pred.reshape(-1, 4),
                       self.image_size).reshape(-1, classes, 4)
        scores = cls_score.softmax(-1)[:, :head.num_classes]
        boxes = boxes.expand(-1, head.num_classes, -1).reshape(-1, 4)
        labels = torch.zeros_like(scores, dtype=torch.long) + torch.arange(
            head.num_classes, device=scores.device)
        scores, labels = scores.reshape(-1), labels.reshape(-1)
        keep = batched_nms(boxes, scores, labels, self.rcnn_iou)
        keep = keep[scores[keep] > self.rcnn_cfg.score_thr]
        keep = keep[:self.rcnn_cfg.max_per_img]
        return boxes[keep], scores[keep], labels[keep]
