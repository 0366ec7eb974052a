"""Draw what PCCL does on one held-out pair of a pre-training config
(``tools/visualize_pccl.py``): the pictures of
:mod:`univ_mm.visualization.pccl_pictures`, after refusing checkpoints that
are not UNIV pre-training ones (here, not in ``visualization``: the check
is of the tools' layer)."""
from collections.abc import Sequence
from pathlib import Path

from mmengine.config import Config


def checkpoint_labels(checkpoints: Sequence[str], labels: list[str] | None
                      ) -> list[str]:
    """One label per checkpoint (default: the file names; ``init`` for the
    model as the config initialises it).

    Raises:
        SystemExit: ``labels`` are given, but not one per checkpoint.
    """
    labels = labels or [Path(c).stem for c in checkpoints] or ['init']
    if len(labels) != max(len(checkpoints), 1):
        raise SystemExit(
            f'--labels gives {len(labels)} labels for '
            f'{len(checkpoints)} checkpoints; give one label per '
            'checkpoint (one label without --checkpoints), or none')
    return labels


def visualize_pccl(config: str, checkpoints: Sequence[str] = (), *,
                   labels: list[str] | None = None, index: int = 0,
                   query: tuple[int, int] | None = None,
                   out_dir: str = 'work_dirs/pccl_pictures', step: int = 0,
                   cfg_options: dict | None = None) -> list[Path]:
    """Draw, write to ``out_dir`` and log (at ``step``) the pictures of the
    ``index``-th validation pair; return the PNG paths (options: the
    tool's).

    Raises:
        CheckpointKindError: A checkpoint is of another kind than the
            config's model.
    """
    from univ_mm.checkpoint.safe_io import use_safe_checkpoints
    from univ_mm.utils.weights_check import check_checkpoint_kind, model_kind
    from univ_mm.visualization.pccl_pictures import write_pictures
    cfg = Config.fromfile(config)
    if cfg_options:
        cfg.merge_from_dict(cfg_options)
    labels = checkpoint_labels(checkpoints, labels)
    use_safe_checkpoints()
    for checkpoint in checkpoints:
        check_checkpoint_kind(checkpoint, model_kind(cfg.model))
    return write_pictures(cfg, list(checkpoints), labels, out_dir, index,
                          query, step)
