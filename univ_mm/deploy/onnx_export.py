"""Export a trained UNIV segmentor or detector to ONNX and check it under
ONNX Runtime (``tools/deploy/export_onnx.py``).

The export uses PyTorch's ``torch.export``-based ONNX exporter
(``torch.onnx.export(..., dynamo=True)``, which needs ``onnxscript``);
the TorchScript exporter cannot export MMSeg's pyramid pooling.
Segmentors take any batch at the exported size; detectors one image.
"""
from pathlib import Path

import numpy as np
import torch
from mmengine.config import Config
from mmengine.registry import DefaultScope
from torch import Tensor, nn

from univ_mm.checkpoint.safe_io import load_checkpoint_safely

from .detector_graph import FasterRCNNGraph
from .graphs import SegmentorGraph
from .model_card import sha256, training_summary, write_card

#: ONNX opset of the export (``RoiAlign`` with half-pixel boxes needs 16).
OPSET = 18
#: Names of the graphs' inputs and outputs.
SEG_OUTPUTS = ('logits', )
DET_OUTPUTS = ('boxes', 'scores', 'labels')


def _registry(cfg: Config):
    """MMSeg's or MMDet's model registry, by the config's default scope."""
    scope = cfg.get('default_scope')
    if scope == 'mmseg':
        from mmseg.registry import MODELS
    elif scope == 'mmdet':
        from mmdet.registry import MODELS
    else:
        raise ValueError(f'default_scope {scope!r}: only MMSeg (mmseg) and '
                         'MMDet (mmdet) configs are exported')
    return MODELS


def build_model(cfg: Config) -> nn.Module:
    """The (untrained) model of a segmentation or detection config."""
    with DefaultScope.overwrite_default_scope(cfg.get('default_scope')):
        return _registry(cfg).build(cfg.model)


def load_model(config: str | Path, checkpoint: str | Path) -> nn.Module:
    """Build the model of ``config`` and load a trained ``checkpoint``.

    The checkpoint is read weights-only and loaded strictly.

    Raises:
        KeyError: The checkpoint does not fit the config's model (the
            message names both files and the first mismatching keys).
    """
    model = build_model(Config.fromfile(config))
    ckpt = load_checkpoint_safely(checkpoint)
    state = ckpt.get('state_dict', ckpt)
    missing, unexpected = model.load_state_dict(state, strict=False)
    if missing or unexpected:
        raise KeyError(
            f'{checkpoint} does not fit the model of {config}: missing '
            f'{missing[:5]}, unexpected {unexpected[:5]}. Give the training '
            'checkpoint (work_dirs/<run>/iter_N.pth) of this config; a '
            'backbone export is not a trained segmentor or detector.')
    return model.eval()


def default_image_size(config: str | Path) -> tuple[int, int]:
    """The input size a config tests at: a segmentor's crop (slide
    window) or preprocessing size, a detector's square padding.

    Raises:
        ValueError: The config fixes no size; pass one.
    """
    model = Config.fromfile(config).model
    crop = (model.get('test_cfg') or {}).get('crop_size') or \
        model.data_preprocessor.get('size')
    pad = model.data_preprocessor.get('pad_size_divisor', 1)
    if crop:
        return tuple(crop)
    if pad >= 224:  # square padding (ViTDet's 1024)
        return pad, pad
    raise ValueError(f'{config} fixes no input size; pass --shape H W')


def build_graph(model: nn.Module, image_size: tuple[int, int]) -> nn.Module:
    """The exportable forward of ``model``.

    Raises:
        TypeError: ``model`` is neither an MMSeg ``EncoderDecoder`` nor an
            MMDet ``TwoStageDetector``.
    """
    from mmdet.models.detectors import TwoStageDetector
    from mmseg.models.segmentors import EncoderDecoder
    if isinstance(model, EncoderDecoder):
        return SegmentorGraph(model).eval()
    if isinstance(model, TwoStageDetector):
        return FasterRCNNGraph(model, image_size).eval()
    raise TypeError(f'{type(model).__name__} is neither an EncoderDecoder '
                    'segmentor nor a two-stage detector')


def is_detector(graph: nn.Module) -> bool:
    """Whether ``graph`` is the detector's (one image, three outputs)."""
    return isinstance(graph, FasterRCNNGraph)


def example_images(graph: nn.Module, image_size: tuple[int, int],
                   count: int, seed: int = 0) -> list[Tensor]:
    """``count`` random pixel batches (0-255): two images for a segmentor
    (so the batch stays dynamic), one for a detector."""
    generator = torch.Generator().manual_seed(seed)
    batch = 1 if is_detector(graph) else 2
    return [torch.rand(batch, 3, *image_size, generator=generator) * 255
            for _ in range(count)]


def export_graph(graph: nn.Module, image: Tensor, out: Path) -> Path:
    """Write ``graph`` traced on ``image`` as one ONNX file."""
    detector = is_detector(graph)
    dynamic = None if detector else {'image': {0: torch.export.Dim.DYNAMIC}}
    with torch.no_grad():
        program = torch.onnx.export(
            graph, (image, ), dynamo=True, opset_version=OPSET,
            input_names=['image'],
            output_names=list(DET_OUTPUTS if detector else SEG_OUTPUTS),
            dynamic_shapes=dynamic, external_data=False, verbose=False)
    out.parent.mkdir(parents=True, exist_ok=True)
    program.save(str(out), external_data=False)
    return out


def onnx_session(path: Path, threads: int | None = None):
    """An ONNX Runtime CPU session of ``path`` (``threads`` intra-op)."""
    import onnxruntime
    options = onnxruntime.SessionOptions()
    if threads:
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
    return onnxruntime.InferenceSession(
        str(path), options, providers=['CPUExecutionProvider'])


def _array_differences(expected: tuple[Tensor, ...],
                       got: list[np.ndarray]) -> dict | None:
    """Largest difference per output (None: the shapes differ)."""
    if any(tuple(e.shape) != g.shape for e, g in zip(expected, got,
                                                      strict=True)):
        return None
    return {name: float(np.abs(e.numpy().astype(np.float64) - g).max())
            if e.numel() else 0.0
            for name, e, g in zip(SEG_OUTPUTS, expected, got, strict=True)}


def _detection_differences(expected: tuple[Tensor, ...],
                           got: list[np.ndarray]) -> dict | None:
    """Largest differences of two detection lists, order aside: detections
    of (almost) equal score may come in either order, so each box is
    compared with the nearest box of its label in the other list.

    Returns:
        dict | None: ``boxes`` (pixels) and ``scores``; None when the
        lists differ in length or labels.
    """
    boxes, scores, labels = (t.numpy() for t in expected)
    if len(boxes) != len(got[0]) or not np.array_equal(np.sort(labels),
                                                       np.sort(got[2])):
        return None
    if not len(boxes):
        return dict(boxes=0.0, scores=0.0)
    gaps = np.abs(boxes[:, None] - got[0][None]).max(-1)
    gaps[labels[:, None] != got[2][None]] = np.inf
    return dict(boxes=float(gaps.min(1).max()),
                scores=float(np.abs(np.sort(scores) - np.sort(got[1])).max()))


def parity(graph: nn.Module, path: Path, images: list[Tensor]) -> dict:
    """The largest differences of ONNX Runtime's outputs from PyTorch's.

    Returns:
        dict: ``max_abs`` per output over ``images`` (detections matched
        by label and position, see :func:`_detection_differences`), and
        ``same_count`` (every output had PyTorch's shape, and every
        detection list PyTorch's labels).
    """
    session = onnx_session(path)
    compare = _detection_differences if is_detector(graph) else \
        _array_differences
    worst, same = {}, True
    for image in images:
        with torch.no_grad():
            expected = graph(image)
        expected = expected if isinstance(expected, tuple) else (expected, )
        differences = compare(expected, session.run(None, {
            'image': image.numpy()}))
        same &= differences is not None
        for name, value in (differences or {}).items():
            worst[name] = max(worst.get(name, 0.0), value)
    return dict(max_abs=worst, same_count=bool(same))


def export_onnx(config: str | Path, checkpoint: str | Path, out: str | Path,
                image_size: tuple[int, int], checks: int = 3) -> dict:
    """Export a trained segmentor or detector, check it, write its card.

    Args:
        config (str | Path): The fine-tuning config.
        checkpoint (str | Path): Its trained checkpoint.
        out (str | Path): The ``.onnx`` file.
        image_size (tuple[int, int]): ``(H, W)`` of the graph's input.
        checks (int): Random images compared under ONNX Runtime.
            Defaults to 3.

    Returns:
        dict: The card's fields (``parity``: the largest differences).
    """
    out = Path(out)
    graph = build_graph(load_model(config, checkpoint), image_size)
    example, *others = example_images(graph, image_size, 1 + checks)
    export_graph(graph, example, out)
    fields = dict(
        **training_summary(str(config)), checkpoint=str(checkpoint),
        checkpoint_sha256=sha256(Path(checkpoint)),
        input=dict(name='image', shape=['batch' if not is_detector(graph)
                                        else 1, 3, *image_size],
                   dtype='float32', pixels='0-255, as the test pipeline '
                   'loads them (resized and padded)'),
        outputs=list(DET_OUTPUTS if is_detector(graph) else SEG_OUTPUTS),
        opset=OPSET, torch=torch.__version__,
        parity=parity(graph, out, others))
    write_card(out, **fields)
    return fields
