"""The pictures of PCCL on one held-out pair of a pre-training config.

Used by ``tools/visualize_pccl.py`` (through
:func:`univ_mm.apis.visualize_pccl`) and ``projects/pccl_evidence``:
  pccl_pair.png          the RGB and IR images side by side;
  pccl_pseudo_pairs.png  for one query patch, the teacher's last-block
                         attention and the pseudo-pair mask PCCL trains on;
  pccl_pca.png           the teacher's RGB tokens and the student's IR (and
                         RGB) tokens of every checkpoint, coloured by the
                         top-3 principal components of the teacher tokens.
"""
from pathlib import Path

import mmcv
import numpy as np
import torch
from mmengine.config import Config
from mmengine.dataset import pseudo_collate
from mmengine.registry import init_default_scope
from mmengine.runner import load_checkpoint
from torch import Tensor

from univ_mm.registry import DATASETS, MODELS, VISUALIZERS

from .pccl_visualizer import pca_colours


def load_pair(cfg: Config, index: int, model) -> tuple[dict, np.ndarray,
                                                       np.ndarray]:
    """Preprocessed inputs and the RGB / IR uint8 images of one pair of the
    config's validation dataset."""
    dataset = DATASETS.build(cfg.val_dataloader.dataset)
    batch = pseudo_collate([dataset[index]])
    rgb = batch['inputs']['rgb'][0].permute(1, 2, 0).numpy()[..., ::-1]
    ir = batch['inputs']['ir'][0].permute(1, 2, 0).numpy()[..., 0]
    return model.data_preprocessor(batch, False)['inputs'], rgb.copy(), ir


def teacher_pair_maps(model, rgb: Tensor) -> tuple[Tensor, Tensor]:
    """The teacher's pseudo pairs ``[N, N]`` of the first image and the
    weights they are ranked by ``[N, N]`` (``PCCLLoss.pair_weights``:
    head-averaged attention by default), stacked."""
    with torch.no_grad():
        teacher, attn = model.teacher_forward(rgb)
    pairs = model.head.loss_module.pseudo_pairs(attn, teacher)[0]
    return teacher[0], torch.stack(
        [pairs, model.head.loss_module.pair_weights(attn, teacher)[0]])


def token_sets(model, inputs: dict, checkpoints: list[str],
               labels: list[str]) -> tuple[dict, Tensor]:
    """Teacher RGB and student tokens per checkpoint (None: the model as
    its config initialises it), and :func:`teacher_pair_maps`."""
    tokens = {}
    for path, label in zip(checkpoints or [None], labels, strict=True):
        if path is None:
            model.init_weights()
        else:
            load_checkpoint(model, path, map_location='cpu', strict=True)
        if not tokens:
            tokens['teacher RGB'], teacher_maps = teacher_pair_maps(
                model, inputs['rgb'])
        with torch.no_grad():
            student = model.extract_feat(inputs)
        tokens[f'IR {label}'] = student['ir'][0]
        tokens[f'RGB {label}'] = student['rgb'][0]
    return tokens, teacher_maps


def warmest_patch(ir: np.ndarray, patch: int) -> tuple[int, int]:
    """``(row, col)`` of the warmest ``patch``-pixel cell of an IR image:
    usually a person or an engine."""
    grid = (ir.shape[0] // patch, ir.shape[1] // patch)
    heat = ir[:grid[0] * patch, :grid[1] * patch].reshape(
        grid[0], patch, grid[1], patch).mean(axis=(1, 3))
    row, col = np.unravel_index(heat.argmax(), grid)
    return int(row), int(col)


def draw(visualizer, rgb: np.ndarray, ir: np.ndarray, tokens: dict,
         teacher_maps: Tensor, query: tuple[int, int] | None,
         patch: int) -> dict[str, np.ndarray]:
    """The three pictures, RGB uint8; ``query`` defaults to
    :func:`warmest_patch`."""
    grid = (rgb.shape[0] // patch, rgb.shape[1] // patch)
    row, col = query or warmest_patch(ir, patch)
    index = row * grid[1] + col
    pairs, attention = teacher_maps
    maps = pca_colours(*tokens.values(), grid=grid)
    return dict(
        pccl_pair=visualizer.draw_pair(rgb, ir),
        pccl_pseudo_pairs=visualizer.draw_pseudo_pairs(
            rgb, attention[index], pairs[index], grid, index),
        pccl_pca=visualizer.draw_pca(dict(zip(tokens, maps, strict=True)),
                                     rgb.shape[:2]))


def write_pictures(cfg: Config, checkpoints: list[str], labels: list[str],
                   out_dir: str | Path, index: int = 0,
                   query: tuple[int, int] | None = None,
                   step: int = 0) -> list[Path]:
    """Draw the pictures of pair ``index``, write them to ``out_dir`` and
    send them to every vis backend of the config's visualizer.

    Args:
        cfg (Config): A pre-training config with a ``val_dataloader``.
        checkpoints (list[str]): UNIV training checkpoints; none: the model
            as the config initialises it.
        labels (list[str]): One per checkpoint (one if none).
        out_dir (str | Path): Where the PNGs go.
        index (int): Pair of the validation dataset. Defaults to 0.
        query (tuple[int, int], optional): Query patch ``(row, col)``.
            Defaults to None (:func:`warmest_patch`).
        step (int): Step the pictures are logged at. Defaults to 0.

    Returns:
        list[Path]: The PNG paths.
    """
    init_default_scope(cfg.get('default_scope', 'univ_mm'))
    model = MODELS.build(cfg.model).eval()
    inputs, rgb, ir = load_pair(cfg, index, model)
    tokens, teacher_maps = token_sets(model, inputs, checkpoints, labels)
    visualizer = VISUALIZERS.build(dict(
        cfg.get('visualizer', {}), type='PCCLVisualizer',
        name=f'pccl_pictures_{id(tokens)}', save_dir=str(out_dir)))
    paths = []
    for name, image in draw(visualizer, rgb, ir, tokens, teacher_maps, query,
                            model.teacher.token_stride).items():
        paths.append(Path(out_dir) / f'{name}.png')
        mmcv.imwrite(image[..., ::-1], str(paths[-1]))
        visualizer.add_image(name, image, step=step)
    return paths


def draw_teacher_pseudo_pairs(visualizer, rows: dict[str, tuple],
                              pixel: tuple[int, int]) -> np.ndarray:
    """One :meth:`PCCLVisualizer.draw_pseudo_pairs` row per teacher, for the
    query patch that holds the same ``pixel``, stacked and named.

    Args:
        visualizer (PCCLVisualizer): Draws the rows.
        rows (dict[str, tuple]): Per teacher name, the RGB uint8 image
            ``(H, W, 3)``, its :func:`teacher_pair_maps` and its token
            stride (pixels per patch side).
        pixel (tuple[int, int]): ``(y, x)`` of the query in the image.

    Returns:
        np.ndarray: The rows, top to bottom, RGB uint8.
    """
    drawn = []
    for name, (rgb, (pairs, attention), stride) in rows.items():
        grid = (rgb.shape[0] // stride, rgb.shape[1] // stride)
        index = pixel[0] // stride * grid[1] + pixel[1] // stride
        visualizer.set_image(visualizer.draw_pseudo_pairs(
            rgb, attention[index], pairs[index], grid, index))
        height = visualizer.get_image().shape[0]
        visualizer.draw_texts(
            name, np.array([3, height - 3]), colors='white',
            vertical_alignments='bottom', font_sizes=max(8, height // 14),
            bboxes=dict(facecolor='black', alpha=0.6, pad=1,
                        edgecolor='none'))
        row = visualizer.get_image()
        drawn += [row, np.full((4, row.shape[1], 3), 255, np.uint8)]
    return np.concatenate(drawn[:-1], axis=0)
