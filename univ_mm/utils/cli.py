"""Command-line options shared by the training and testing tools."""
import argparse
import os
from pathlib import Path

import torch
import torch.distributed as dist
from mmengine.config import Config, DictAction


def add_runner_arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``--work-dir``, ``--cfg-options``, ``--launcher`` and rank."""
    parser.add_argument('--work-dir', help='where logs and outputs go')
    parser.add_argument(
        '--cfg-options', nargs='+', action=DictAction,
        help='override config entries, e.g. train_dataloader.batch_size=16')
    parser.add_argument('--launcher', default='none',
                        choices=['none', 'pytorch', 'slurm', 'mpi'])
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)


def load_config(args: argparse.Namespace) -> Config:
    """Read ``args.config`` and apply the options of
    :func:`add_runner_arguments`; the work dir defaults to
    ``work_dirs/<config name>``."""
    os.environ.setdefault('LOCAL_RANK', str(args.local_rank))
    cfg = Config.fromfile(args.config)
    cfg.launcher = args.launcher
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    default_dir = Path('work_dirs') / Path(args.config).stem
    cfg.work_dir = args.work_dir or cfg.get('work_dir') or str(default_dir)
    return cfg


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
