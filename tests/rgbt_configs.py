"""What the RGB-T config tests of segmentation and detection share: the
single-camera source of a fused config and the checks against it."""
import functools
from pathlib import Path

from mmengine.config import Config
from mmengine.optim import build_optim_wrapper
from mmengine.registry import MODELS, DefaultScope
from torch import nn


def source_of(path: Path) -> Path:
    """The single-camera config named by the first comment line."""
    name = path.read_text().splitlines()[0].removeprefix('# ').split()[0]
    return path.parent / name


@functools.cache
def load_pair(path: Path) -> tuple[dict, dict]:
    """The dumped dicts of the RGB-T config at ``path`` and of its
    source, loaded once (read-only: copy before editing)."""
    return (Config.fromfile(path).to_dict(),
            Config.fromfile(source_of(path)).to_dict())


def assert_wraps_the_source_backbone(path: Path) -> dict:
    """The fused backbone wraps the source's backbone with the shared
    fusion settings; returns the wrapper's dict."""
    rgbt, source = load_pair(path)
    outer = rgbt['model']['backbone']
    assert outer['type'] == 'univ_mm.RGBTFusionBackbone'
    assert outer['backbone'] == source['model']['backbone']
    fusion = Config.fromfile('configs/_base_/rgbt_fusion.py').rgbt_fusion
    assert {k: outer[k] for k in fusion} == fusion
    return outer


def lr_and_decay(cfg: Config, backbone: dict,
                 scope: str) -> dict[str, tuple]:
    """``{name: (lr, weight_decay)}`` of the optimiser ``cfg`` builds for a
    model holding only ``backbone``, built in ``scope``."""
    holder = nn.Module()
    with DefaultScope.overwrite_default_scope(scope):
        holder.backbone = MODELS.build(backbone)
        wrapper = build_optim_wrapper(
            holder, dict(cfg.optim_wrapper, type='OptimWrapper'))
    return {g['param_name']: (g['lr'], g['weight_decay'])
            for g in wrapper.optimizer.param_groups}
