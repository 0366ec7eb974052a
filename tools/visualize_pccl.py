"""Draw what PCCL does on one held-out pair of a pre-training config.

Writes to --out-dir, and sends to every vis backend of the config's
visualizer (``add_image``; TensorBoard when ``TensorboardVisBackend`` is on):
  pccl_pair.png          the RGB and IR images side by side;
  pccl_pseudo_pairs.png  for one query patch, the teacher's last-block
                         attention and the pseudo-pair mask PCCL trains on;
  pccl_pca.png           the teacher's RGB tokens and the student's IR (and
                         RGB) tokens of every checkpoint, coloured by the
                         top-3 principal components of the teacher tokens.

Example:
    python tools/visualize_pccl.py work_dirs/evidence/pccl/CONFIG.py \
        --checkpoints iter_0.pth iter_160.pth --labels before after \
        --out-dir work_dirs/evidence/figures
"""
import argparse
from pathlib import Path

import mmcv
import numpy as np
import torch
from mmengine.config import Config, DictAction
from mmengine.dataset import pseudo_collate
from mmengine.registry import init_default_scope
from mmengine.runner import load_checkpoint

from univ_mm.registry import DATASETS, MODELS, VISUALIZERS
from univ_mm.visualization import pca_colours


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('config', help='pre-training config (with a '
                        'val_dataloader)')
    parser.add_argument(
        '--checkpoints', nargs='*', default=[],
        help='UNIV training checkpoints (e.g. before and after); none: the '
        'model as the config initialises it')
    parser.add_argument('--labels', nargs='*', help='one per checkpoint; '
                        'defaults to the file names')
    parser.add_argument('--index', type=int, default=0,
                        help='pair of the validation dataset')
    parser.add_argument('--query', type=int, nargs=2, metavar=('ROW', 'COL'),
                        help='query patch; defaults to the warmest IR patch')
    parser.add_argument('--out-dir', default='work_dirs/pccl_pictures')
    parser.add_argument('--step', type=int, default=0,
                        help='step the pictures are logged at')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction)
    return parser.parse_args(argv)


def load_pair(cfg: Config, index: int, model) -> tuple[dict, np.ndarray,
                                                       np.ndarray]:
    """Preprocessed inputs and the RGB / IR uint8 images of one pair."""
    dataset = DATASETS.build(cfg.val_dataloader.dataset)
    batch = pseudo_collate([dataset[index]])
    rgb = batch['inputs']['rgb'][0].permute(1, 2, 0).numpy()[..., ::-1]
    ir = batch['inputs']['ir'][0].permute(1, 2, 0).numpy()[..., 0]
    return model.data_preprocessor(batch, False)['inputs'], rgb.copy(), ir


def token_sets(model, inputs: dict, checkpoints: list[str],
               labels: list[str]) -> tuple[dict, torch.Tensor]:
    """Teacher RGB and student tokens per checkpoint, and the teacher's
    pseudo pairs ``[N, N]`` plus the weights they are ranked by ``[N, N]``
    (``PCCLLoss.pair_weights``: head-averaged attention by default)."""
    tokens = {}
    for path, label in zip(checkpoints or [None], labels, strict=True):
        if path is None:
            model.init_weights()
        else:
            load_checkpoint(model, path, map_location='cpu', strict=True)
        with torch.no_grad():
            student = model.extract_feat(inputs)
            if not tokens:
                teacher, attn = model.teacher_forward(inputs['rgb'])
                tokens['teacher RGB'] = teacher[0]
                loss = model.head.loss_module
                pairs = loss.pseudo_pairs(attn, teacher)[0]
                attention = loss.pair_weights(attn, teacher)[0]
        tokens[f'IR {label}'] = student['ir'][0]
        tokens[f'RGB {label}'] = student['rgb'][0]
    return tokens, torch.stack([pairs, attention])


def draw(visualizer, rgb: np.ndarray, ir: np.ndarray, tokens: dict,
         teacher_maps: torch.Tensor, query: tuple[int, int] | None,
         patch: int) -> dict[str, np.ndarray]:
    """The three pictures, RGB uint8."""
    grid = (rgb.shape[0] // patch, rgb.shape[1] // patch)
    if query is None:  # the warmest patch: usually a person or an engine
        heat = ir[:grid[0] * patch, :grid[1] * patch].reshape(
            grid[0], patch, grid[1], patch).mean(axis=(1, 3))
        query = np.unravel_index(heat.argmax(), grid)
    index = int(query[0]) * grid[1] + int(query[1])
    pairs, attention = teacher_maps
    maps = pca_colours(*tokens.values(), grid=grid)
    return dict(
        pccl_pair=visualizer.draw_pair(rgb, ir),
        pccl_pseudo_pairs=visualizer.draw_pseudo_pairs(
            rgb, attention[index], pairs[index], grid, index),
        pccl_pca=visualizer.draw_pca(dict(zip(tokens, maps, strict=True)),
                                     rgb.shape[:2]))


def main(argv: list[str] | None = None) -> list[Path]:
    """Draw, write and log the pictures; return the PNG paths."""
    args = parse_args(argv)
    cfg = Config.fromfile(args.config)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    init_default_scope(cfg.get('default_scope', 'univ_mm'))
    labels = args.labels or [Path(c).stem for c in args.checkpoints] or [
        'init']
    if len(labels) != max(len(args.checkpoints), 1):
        raise SystemExit(
            f'--labels gives {len(labels)} labels for '
            f'{len(args.checkpoints)} checkpoints; give one label per '
            'checkpoint (one label without --checkpoints), or none')
    model = MODELS.build(cfg.model).eval()
    inputs, rgb, ir = load_pair(cfg, args.index, model)
    tokens, teacher_maps = token_sets(model, inputs, args.checkpoints, labels)
    visualizer = VISUALIZERS.build(dict(
        cfg.get('visualizer', {}), type='PCCLVisualizer',
        name=f'visualize_pccl_{id(args)}', save_dir=args.out_dir))
    patch = model.teacher.token_stride
    paths = []
    for name, image in draw(visualizer, rgb, ir, tokens, teacher_maps,
                            args.query, patch).items():
        paths.append(Path(args.out_dir) / f'{name}.png')
        mmcv.imwrite(image[..., ::-1], str(paths[-1]))
        visualizer.add_image(name, image, step=args.step)
    print('\n'.join(map(str, paths)))
    return paths


if __name__ == '__main__':
    main()
