"""Train UNIV pre-training, segmentation or detection with MMEngine's runner.

Example:
    python tools/train.py configs/pretrain/univ_vit-b_mvip.py \
        --cfg-options model.teacher.init_cfg.checkpoint=mae_vit-b.pth
"""
import argparse

from mmengine.config import Config

from univ_mm.utils.arguments import add_runner_arguments


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('config', help='training config file')
    parser.add_argument(
        '--resume', nargs='?', const='auto', metavar='CHECKPOINT',
        help='resume from CHECKPOINT (a file, or a work dir: the complete '
        'checkpoint its last_checkpoint record names, else its newest '
        'complete one), or, without a path, from the work dir\'s; a '
        'checkpoint of another model is refused')
    parser.add_argument(
        '--amp', action=argparse.BooleanOptionalAction,
        help='--amp: mixed precision (AmpOptimWrapper, needs a GPU; bf16 '
        'with --cfg-options optim_wrapper.dtype=bfloat16); --no-amp: plain '
        'OptimWrapper. Default: the config\'s, plain without a GPU')
    add_runner_arguments(parser)
    return parser.parse_args()


def apply_training_args(cfg: Config, args: argparse.Namespace) -> Config:
    """Fold ``--amp``/``--no-amp`` and ``--resume`` into the config (a
    resumed checkpoint must fit the model: ``ResumeCheckHook``), and prune
    old checkpoints only after a new one is saved."""
    from univ_mm.utils.cli import (
        resume_checkpoint,
        set_amp,
        use_safe_checkpoint_hook,
    )
    set_amp(cfg, args.amp)
    use_safe_checkpoint_hook(cfg)
    if args.resume is not None:
        checkpoint = resume_checkpoint(args.resume, cfg.work_dir)
        cfg.resume = checkpoint is not None
        cfg.load_from = None if checkpoint is None else str(checkpoint)
        if cfg.resume:
            cfg.custom_hooks = [*cfg.get('custom_hooks', []),
                                dict(type='univ_mm.ResumeCheckHook')]
        print(f'--resume: {checkpoint or "no checkpoint, starting afresh"}')
    return cfg


def main() -> None:
    args = parse_args()
    # torch and the stack load after the arguments parse: --help is instant
    from mmengine.runner import Runner

    from univ_mm.checkpoint.safe_io import use_safe_checkpoints
    from univ_mm.utils.cli import (
        init_distributed_on_cpu,
        load_config,
        quiet_frozen_weight_warnings,
    )
    use_safe_checkpoints()
    cfg = apply_training_args(load_config(args), args)
    init_distributed_on_cpu(cfg)
    runner = Runner.from_cfg(cfg)
    quiet_frozen_weight_warnings(cfg, runner.logger)
    runner.train()


if __name__ == '__main__':
    main()
