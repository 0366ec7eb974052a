"""Detect objects in one image and write it with the predicted boxes drawn
(``tools/inference_det.py``).

An RGB-T config reads the RGB image and the thermal one, either of them
lost (:func:`univ_mm.utils.rgbt_inputs.camera_pair_input`); the boxes are
drawn on each given image.
"""
from __future__ import annotations

import warnings
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    from torch import nn

#: MMDet's visualizer writes a box's label inside its top-left corner, past
#: the image for a box along its right or bottom edge, and warns; matplotlib
#: clips the label.
TEXT_OUT_OF_BOUNDS = 'Warning: The text is out of bounds'


def draw(model: nn.Module, inputs: str | np.ndarray,
         images: dict[str, np.ndarray], out_file: Path,
         score_thr: float) -> int:
    """Run ``model`` on ``inputs``, draw its boxes on each BGR image of
    ``images`` (a thermal one to ``<stem>_ir<suffix>``); return how many
    boxes each shows."""
    from mmdet.apis import inference_detector
    from mmdet.registry import VISUALIZERS
    result = inference_detector(model, inputs)
    visualizer = VISUALIZERS.build(
        dict(model.cfg.visualizer, name='inference_det'))
    visualizer.dataset_meta = model.dataset_meta
    out_file.parent.mkdir(parents=True, exist_ok=True)
    for name, image in images.items():
        out = out_file.with_name(f'{out_file.stem}_ir{out_file.suffix}') \
            if name == 'ir' else out_file
        with warnings.catch_warnings():
            warnings.filterwarnings('ignore', TEXT_OUT_OF_BOUNDS, UserWarning)
            visualizer.add_datasample(
                out.stem, image[..., ::-1], data_sample=result,
                draw_gt=False, pred_score_thr=score_thr, out_file=str(out))
    return int((result.pred_instances.scores >= score_thr).sum())


def model_input(model: nn.Module, image: Path, ir: Path | None, config: str
                ) -> tuple[str | np.ndarray, dict[str, np.ndarray]]:
    """The detector's input and the BGR images to draw on, by name."""
    import mmcv

    from univ_mm.utils.rgbt_inputs import camera_pair_input
    pair = camera_pair_input(model, image, ir, config)
    if pair is not None:
        return pair
    if not image.is_file():
        raise FileNotFoundError(f'{image} is missing')
    return str(image), {'image': mmcv.imread(str(image))}


def detect_image(image: Path, config: str, checkpoint: str, *,
                 out_file: Path, ir: Path | None = None,
                 score_thr: float = 0.3, device: str = 'cpu',
                 allow_partial_load: bool = False,
                 cfg_options: dict | None = None) -> int:
    """Draw the boxes of a detection config's checkpoint scoring at least
    ``score_thr`` on ``image`` to ``out_file`` (options: the tool's);
    return how many boxes each drawn image shows.

    Raises:
        CheckpointKindError: The checkpoint is not a detector's.
        PartialCheckpointError: It does not fill the model (unless
            ``allow_partial_load``).
    """
    from mmdet.apis import init_detector

    from univ_mm.checkpoint.safe_io import use_safe_checkpoints
    from univ_mm.utils.weights_check import init_checked_model
    use_safe_checkpoints()
    model = init_checked_model(
        lambda: init_detector(config, checkpoint, device=device,
                              cfg_options=cfg_options),
        checkpoint, 'detector', allow_partial_load)
    inputs, images = model_input(model, image, ir, config)
    return draw(model, inputs, images, out_file, score_thr)
