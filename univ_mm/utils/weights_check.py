"""Refuse checkpoints of the wrong kind, or that did not fill the model."""
import re
from collections.abc import Callable, Iterable
from pathlib import Path

from mmengine.runner import CheckpointLoader
from torch import nn

from univ_mm.checkpoint.fill_check import weight_mismatches
from univ_mm.utils.arguments import ALLOW_PARTIAL_FLAG


class PartialCheckpointError(RuntimeError):
    """A checkpoint leaves weights of the model unloaded or mismatched."""


class CheckpointKindError(ValueError):
    """A checkpoint is of another kind than the tool needs."""


#: Where each kind of checkpoint comes from, by kind; see
#: :func:`model_kind` for how a kind is told.
CHECKPOINT_KINDS = {
    'segmentor': 'work_dirs/<run>/iter_N.pth of tools/train.py with a '
                 'configs/seg/ config',
    'detector': 'work_dirs/<run>/iter_N.pth of tools/train.py with a '
                'configs/det/ config',
    'UNIV pre-training': 'work_dirs/<run>/iter_N.pth of tools/train.py with '
                         'a configs/pretrain/ config',
    'merged backbone export': 'univ_backbone_iter_N.pth of a pre-training '
                              'run or tools/export_backbone.py; it '
                              'initialises a backbone: pass it as '
                              'model.backbone.init_cfg.checkpoint',
}
#: Top-level modules of an MMDet detector's heads.
DETECTOR_HEADS = ('rpn_head', 'roi_head', 'bbox_head')


def model_kind(names: Iterable[str]) -> str | None:
    """The kind (a key of :data:`CHECKPOINT_KINDS`) of a model, from the
    names of its state dict or the keys of its config; None if unknown.

    A segmentor has a ``decode_head``, a detector one of
    :data:`DETECTOR_HEADS`, UNIV pre-training a ``backbone`` and a
    ``teacher``; a merged backbone export has the ViT's (or ConvMAE's)
    names without prefix (``patch_embed...``).
    """
    tops = {re.sub(r'^module\.', '', name).split('.')[0] for name in names}
    if 'decode_head' in tops:
        return 'segmentor'
    if tops.intersection(DETECTOR_HEADS):
        return 'detector'
    if {'backbone', 'teacher'} <= tops:
        return 'UNIV pre-training'
    if any(top.startswith('patch_embed') for top in tops):
        return 'merged backbone export'
    return None


def read_state_dict(checkpoint: str | Path) -> dict:
    """The state dict of a checkpoint (a path or URL), without ``module.``;
    read once, it can be given to both checks."""
    loaded = CheckpointLoader.load_checkpoint(str(checkpoint), 'cpu')
    state = loaded.get('state_dict', loaded)
    return {re.sub(r'^module\.', '', k): v for k, v in state.items()}


def check_checkpoint_kind(checkpoint: str | Path, needed: str | None,
                          state: dict | None = None) -> None:
    """Refuse ``checkpoint`` unless it is of the ``needed`` kind.

    Call it before any loading: a model of another kind fails deep in
    MMSeg's or MMEngine's loaders (a ``pos_embed`` assertion, a wall of
    keys). A checkpoint of unknown kind passes (for
    :func:`check_checkpoint_fills_model` to judge), and so does anything
    when ``needed`` is None.

    Args:
        checkpoint (str | Path): The checkpoint (a path or URL).
        needed (str, optional): A key of :data:`CHECKPOINT_KINDS`, e.g.
            ``model_kind(cfg.model)``.
        state (dict, optional): Its :func:`read_state_dict`, if read
            already. Defaults to None: read here.

    Raises:
        CheckpointKindError: The checkpoint is of another known kind.
    """
    if state is None:
        state = read_state_dict(checkpoint)
    found = model_kind(state)
    if None in (found, needed) or found == needed:
        return
    raise CheckpointKindError(
        f'{checkpoint} is a {found} checkpoint ({CHECKPOINT_KINDS[found]}); '
        f'this tool needs a {needed} checkpoint (e.g. '
        f'{CHECKPOINT_KINDS[needed]}).')


def _mismatches(model: nn.Module, state: dict) -> dict[str, list[str]]:
    found = weight_mismatches(model.state_dict(), state)
    return {'missing': sorted(found.missing),
            'unexpected': sorted(found.unexpected),
            'of another shape': [
                f'{k} (checkpoint {saved}, model {shape})'
                for k, saved, shape in sorted(found.reshaped)]}


def check_checkpoint_fills_model(model: nn.Module, checkpoint: str | Path,
                                 allow_partial: bool = False,
                                 state: dict | None = None) -> None:
    """Check that ``checkpoint`` holds every weight of ``model``, in shape.

    MMSeg's ``init_model``, MMDet's ``init_detector`` and the runner's
    ``load_from`` load non-strictly: a checkpoint of another model only
    logs warnings and the tool then reports numbers of random weights.

    Args:
        model (nn.Module): The model the checkpoint was loaded into.
        checkpoint (str | Path): The checkpoint (a path or URL).
        allow_partial (bool): Only warn, for an intentional partial load.
            Defaults to False.
        state (dict, optional): Its :func:`read_state_dict`, if read
            already. Defaults to None: read here.

    Raises:
        PartialCheckpointError: Keys are missing, unexpected or of another
            shape; the message names them.
    """
    if state is None:
        state = read_state_dict(checkpoint)
    problems = {kind: keys for kind, keys in
                _mismatches(model, state).items() if keys}
    if not problems:
        return
    summary = '; '.join(
        f'{len(keys)} {kind}: {", ".join(keys[:5])}'
        f'{", ..." if len(keys) > 5 else ""}'
        for kind, keys in problems.items())
    message = (f'{checkpoint} does not fit the {type(model).__name__} of '
               f'the config: {summary}')
    if allow_partial:
        print(f'warning: {message} ({ALLOW_PARTIAL_FLAG} given)')
        return
    raise PartialCheckpointError(
        f'{message}. Its results would come from weights that did not '
        'load: check that the checkpoint is the trained model of this config '
        f'(not a backbone export), or pass {ALLOW_PARTIAL_FLAG} for an '
        'intentional partial load.')


def init_checked_model(init: Callable[[], nn.Module],
                       checkpoint: str | Path, needed: str | None,
                       allow_partial: bool = False) -> nn.Module:
    """``init()`` a model that loads ``checkpoint``, between the two checks.

    The checkpoint is refused before ``init`` runs unless it is of the
    ``needed`` kind (:func:`check_checkpoint_kind`), and after unless it
    fills the model (:func:`check_checkpoint_fills_model`); both checks
    share one read of its state dict.

    Args:
        init (Callable): Builds the model and loads the checkpoint, e.g.
            MMSeg's ``init_model`` with its arguments bound.
        checkpoint (str | Path): The checkpoint (a path or URL).
        needed (str, optional): A key of :data:`CHECKPOINT_KINDS`.
        allow_partial (bool): Only warn when it does not fill the model.
            Defaults to False.

    Returns:
        nn.Module: The model ``init`` built.
    """
    state = read_state_dict(checkpoint)
    check_checkpoint_kind(checkpoint, needed, state)
    model = init()
    check_checkpoint_fills_model(model, checkpoint, allow_partial, state)
    return model
