"""What the training and testing tools do with their parsed options
(the options themselves: :mod:`univ_mm.utils.arguments`)."""
import argparse
import logging
import os
import re
from pathlib import Path

import torch
import torch.distributed as dist
from mmengine.config import Config
from mmengine.logging import print_log

from univ_mm.checkpoint.atomic_io import (
    CHECKPOINT_NAME,
    is_complete_checkpoint,
    latest_checkpoint,
    numbered_checkpoints,
)
from univ_mm.checkpoint.safe_io import load_checkpoint_safely

from .rgbt_inputs import is_rgbt

#: The options of an AMP optimizer wrapper that nothing else takes.
AMP_ONLY_OPTIONS = ('loss_scale', 'dtype', 'use_fsdp')
#: MMEngine's optimizer constructor warns once per frozen weight: UNIV's
#: teacher and the student's base weights under LoRA are frozen by design.
FROZEN_UNIV_WARNING = re.compile(
    r'^(teacher|backbone)\.\S+ is skipped since its requires_grad=False$')
#: cuBLAS's workspace setting that deterministic algorithms need on CUDA
#: >= 10.2 (PyTorch's "Reproducibility" notes); without it the first cuBLAS
#: matmul under ``torch.use_deterministic_algorithms(True)`` raises.
CUBLAS_WORKSPACE = ('CUBLAS_WORKSPACE_CONFIG', ':4096:8')


def load_config(args: argparse.Namespace) -> Config:
    """Read ``args.config`` and apply the options of
    :func:`~univ_mm.utils.arguments.add_runner_arguments`; the work dir
    defaults to ``work_dirs/<config name>``."""
    os.environ.setdefault('LOCAL_RANK', str(args.local_rank))
    cfg = Config.fromfile(args.config)
    cfg.launcher = args.launcher
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    default_dir = Path('work_dirs') / Path(args.config).stem
    cfg.work_dir = args.work_dir or cfg.get('work_dir') or str(default_dir)
    set_cublas_workspace(cfg)
    return cfg


def drop_modality(cfg: Config, modality: str, default_dir: bool) -> None:
    """Evaluate ``cfg``'s RGB-T model with ``modality`` lost.

    Args:
        cfg (Config): A config whose ``model.backbone`` is an
            ``RGBTFusionBackbone``.
        modality (str): ``'rgb'`` or ``'ir'``.
        default_dir (bool): The work dir is the default one: it gets a
            ``_<modality>-lost`` suffix, so the results stay apart.

    Raises:
        ValueError: The config's backbone fuses no two cameras.
    """
    backbone = cfg.model.get('backbone') or {}
    if not is_rgbt(cfg.model):
        raise ValueError(
            f'--drop-modality {modality}: {cfg.filename} is not an RGB-T '
            f'config (model.backbone.type={backbone.get("type")!r}, not '
            "'univ_mm.RGBTFusionBackbone'); use one of the *-rgbt-* "
            'configs.')
    backbone.drop_modality = modality
    if default_dir:
        cfg.work_dir = f'{cfg.work_dir}_{modality}-lost'


def set_cublas_workspace(cfg: Config) -> None:
    """Set ``CUBLAS_WORKSPACE_CONFIG=:4096:8`` when ``cfg`` asks for
    deterministic algorithms (``randomness=dict(deterministic=True)``) and
    the variable is not set yet, and log it once.

    MMEngine then calls ``torch.use_deterministic_algorithms(True)``, under
    which cuBLAS raises at its first matmul unless the variable was set
    before that matmul (here: before the runner is built).
    """
    randomness = cfg.get('randomness') or {}
    name, value = CUBLAS_WORKSPACE
    if not randomness.get('deterministic') or name in os.environ:
        return
    os.environ[name] = value
    print_log(f'randomness.deterministic=True: set {name}={value} (cuBLAS '
              'needs it for deterministic matmuls)', logger='current')


def init_distributed_on_cpu(cfg: Config) -> None:
    """Start ``--launcher pytorch`` runs on a machine without CUDA.

    MMEngine's launcher calls ``torch.cuda.set_device`` and its DDP wrapper
    passes GPU ``device_ids`` unconditionally. Without a GPU we start the
    process group ourselves (gloo: NCCL needs GPUs) and wrap the model with
    :class:`~univ_mm.engine.CPUDistributedDataParallel`.
    """
    if cfg.launcher != 'pytorch' or torch.cuda.is_available():
        return
    if not dist.is_initialized():
        dist.init_process_group(backend='gloo')
    wrapper = cfg.get('model_wrapper_cfg') or dict(
        broadcast_buffers=False,
        find_unused_parameters=cfg.get('find_unused_parameters', False))
    wrapper['type'] = 'univ_mm.CPUDistributedDataParallel'
    cfg.model_wrapper_cfg = wrapper


def set_amp(cfg: Config, enabled: bool | None) -> Config:
    """Switch mixed-precision training on (``AmpOptimWrapper``, whose
    ``dtype`` picks float16 or bfloat16) or off. Validation follows
    ``val_cfg.fp16`` (MMEngine's ``ValLoop``).

    A wrapper keeps its family: ``X[Amp]OptimWrapper`` becomes its AMP or
    plain twin (``PerParameterClipOptimWrapper`` <->
    ``PerParameterClipAmpOptimWrapper``, ``FusedClipAmpOptimWrapper`` ->
    ``FusedClipOptimWrapper``), so its clipping stays the config's.

    Args:
        cfg (Config): A training config; its ``optim_wrapper`` changes.
        enabled (bool, optional): True for ``--amp``, False for
            ``--no-amp`` (the plain twin), None to keep the config's
            choice where a GPU is available; without one an AMP wrapper
            (GPU only) becomes its plain twin, logged.

    Returns:
        Config: ``cfg``.
    """
    wrapper = cfg.optim_wrapper
    amp = wrapper.type.endswith('AmpOptimWrapper')
    if enabled:
        if not amp:  # its AMP twin; MMEngine's for another wrapper
            family = wrapper.type.removesuffix('OptimWrapper')
            wrapper.type = (family if family != wrapper.type else '') + \
                'AmpOptimWrapper'
        wrapper.setdefault('loss_scale', 'dynamic')
    elif amp and (enabled is False or not torch.cuda.is_available()):
        if enabled is None:
            plain = without_amp(wrapper)['type']
            print_log(f'no GPU: the config\'s {wrapper.type} needs one, '
                      f'training with {plain} (float32); --amp forces '
                      'mixed precision', logger='current')
        cfg.optim_wrapper = without_amp(wrapper)
    return cfg


def without_amp(wrapper: dict) -> dict:
    """An AMP optimizer wrapper's config as its plain twin
    (``XAmpOptimWrapper`` -> ``XOptimWrapper``), without the AMP-only
    options; another wrapper's unchanged (a copy)."""
    wrapper = dict(wrapper)
    if wrapper['type'].endswith('AmpOptimWrapper'):
        wrapper['type'] = wrapper['type'].replace('AmpOptimWrapper',
                                                  'OptimWrapper')
        for option in AMP_ONLY_OPTIONS:
            wrapper.pop(option, None)
    return wrapper


def use_safe_checkpoint_hook(cfg: Config) -> Config:
    """Replace MMEngine's ``CheckpointHook`` of ``cfg`` by
    :class:`~univ_mm.engine.hooks.SafeCheckpointHook`, which prunes old
    checkpoints only after the new one is saved, and say so.

    The configs of this repository name the safe hook already; this is for
    a user's config that still names MMEngine's.
    """
    hook = cfg.get('default_hooks', {}).get('checkpoint')
    if hook and hook.get('type') in ('CheckpointHook',
                                     'mmengine.CheckpointHook'):
        hook.type = 'univ_mm.SafeCheckpointHook'
        print_log(f'{cfg.filename or "the config"} names MMEngine\'s '
                  'CheckpointHook, which deletes old checkpoints before '
                  'saving the new one: using univ_mm.SafeCheckpointHook '
                  '(same arguments) instead', logger='current')
    return cfg


def resume_checkpoint(resume: str, work_dir: str | Path) -> Path | None:
    """The checkpoint that ``--resume [RESUME]`` means.

    For a work dir this is the checkpoint its ``last_checkpoint`` record
    names, if that one is complete, so a run that resumed an older
    checkpoint is continued, not the higher-numbered files of the run it
    abandoned; otherwise it is the newest complete checkpoint. The choice
    and why are logged, and so are the checkpoints of ``work_dir`` numbered
    after the one resumed (the run overwrites each when it reaches it).

    Args:
        resume (str): ``'auto'`` (the work dir's checkpoint), a work dir,
            or a checkpoint file.
        work_dir (str | Path): The run's work dir.

    Returns:
        Path | None: The checkpoint to resume from; None for ``'auto'`` in
        a work dir that holds no checkpoint and no ``last_checkpoint``
        record.

    Raises:
        FileNotFoundError: The work dir records a checkpoint but holds none
            that is loadable, or the path does not exist.
        ValueError: The file is not a training checkpoint.
    """
    folder = Path(work_dir if resume == 'auto' else resume)
    if resume != 'auto' and folder.is_file():
        checkpoint = _training_checkpoint(folder)
    else:
        checkpoint = _work_dir_checkpoint(folder)
    if checkpoint is not None:
        _log_newer_checkpoints(checkpoint, Path(work_dir))
        return checkpoint
    if resume != 'auto' or (folder / 'last_checkpoint').exists():
        raise FileNotFoundError(
            f'--resume: {folder} holds no complete iter_N.pth/epoch_N.pth '
            'checkpoint to resume from (a "last_checkpoint" record may name '
            'a deleted or damaged file). Pass a checkpoint file with '
            '--resume PATH, or start afresh with another --work-dir.')
    return None


def _work_dir_checkpoint(folder: Path) -> Path | None:
    """The checkpoint of the work dir ``folder`` to resume, logged."""
    checkpoint, reason = _recorded_checkpoint(folder)
    if checkpoint is None and folder.is_dir():
        checkpoint = latest_checkpoint(folder)
        reason += ': resuming the newest complete checkpoint'
    if checkpoint is not None:
        print_log(f'--resume: {checkpoint} ({reason})', logger='current')
    return checkpoint


def _recorded_checkpoint(folder: Path) -> tuple[Path | None, str]:
    """The complete checkpoint that ``folder/last_checkpoint`` names (also
    found in ``folder`` itself if the work dir was moved), and why not."""
    record = folder / 'last_checkpoint'
    if not record.is_file():
        return None, f'{folder} has no last_checkpoint record'
    named = Path(record.read_text().strip())
    for candidate in (folder / named.name, named):
        if is_complete_checkpoint(candidate):
            return candidate, f'{record} names it'
    return None, f'{record} names {named}, which is missing or incomplete'


def _log_newer_checkpoints(checkpoint: Path, work_dir: Path) -> None:
    """Name the checkpoints of ``work_dir`` numbered after ``checkpoint``."""
    match = CHECKPOINT_NAME.match(checkpoint.name)
    if match is None or not work_dir.is_dir():
        return
    newer = [path.name for step, path in numbered_checkpoints(
        work_dir).items() if step > int(match.group(1))]
    if newer:
        print_log(
            f'--resume: {work_dir} holds {", ".join(newer)}, numbered after '
            f'{checkpoint.name}: left by a run abandoned when it resumed '
            'from an older checkpoint, or saved after its last_checkpoint '
            'record. This run neither resumes them nor counts them among '
            'the checkpoints it keeps (max_keep_ckpts), and overwrites each '
            'when it reaches its number. Delete them if you do not want '
            'them.', logger='current',
            level=logging.WARNING)


def _training_checkpoint(path: Path) -> Path:
    """``path``, if it is a checkpoint written by the runner."""
    checkpoint = load_checkpoint_safely(path)
    missing = [key for key in ('meta', 'state_dict', 'message_hub')
               if key not in checkpoint]
    if missing:
        raise ValueError(
            f'--resume: {path} is not a training checkpoint (no '
            f'{", ".join(missing)}); a merged backbone or a downstream model '
            'cannot be resumed. Resume an iter_N.pth/epoch_N.pth of the work '
            'dir, or start from these weights with load_from=PATH.')
    return path


def quiet_frozen_weight_warnings(cfg: Config,
                                 logger: logging.Logger) -> None:
    """Drop MMEngine's warning for each frozen weight of a UNIV model
    (hundreds per run): ``UNIV.init_weights`` logs what is frozen and what
    trains in one line."""
    if cfg.model.get('teacher') is not None:
        logger.addFilter(lambda record: not FROZEN_UNIV_WARNING.match(
            record.getMessage()))
