"""Evaluate a checkpoint with a segmentation or detection config.

Example:
    python tools/test.py configs/seg/CONFIG.py work_dirs/x/iter_48000.pth
    python tools/test.py configs/seg/RGBT_CONFIG.py CKPT --drop-modality rgb
"""
import argparse

from univ_mm.utils.arguments import (
    add_drop_modality_argument,
    add_partial_load_argument,
    add_runner_arguments,
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('config', help='test config file')
    parser.add_argument('checkpoint', help='checkpoint to evaluate')
    add_partial_load_argument(parser)
    add_drop_modality_argument(parser)
    add_runner_arguments(parser)
    args = parser.parse_args()
    # torch and the stack load after the arguments parse: --help is instant
    from mmengine.model import is_model_wrapper
    from mmengine.runner import Runner

    from univ_mm.checkpoint.safe_io import use_safe_checkpoints
    from univ_mm.utils.cli import (
        drop_modality,
        init_distributed_on_cpu,
        load_config,
    )
    from univ_mm.utils.weights_check import (
        check_checkpoint_fills_model,
        check_checkpoint_kind,
        model_kind,
        read_state_dict,
    )
    use_safe_checkpoints()
    cfg = load_config(args)
    if args.drop_modality:
        drop_modality(cfg, args.drop_modality, args.work_dir is None)
    state = read_state_dict(args.checkpoint)  # once, for both checks
    check_checkpoint_kind(args.checkpoint, model_kind(cfg.model), state)
    init_distributed_on_cpu(cfg)
    cfg.load_from = args.checkpoint
    runner = Runner.from_cfg(cfg)
    model = runner.model.module if is_model_wrapper(runner.model) else \
        runner.model
    check_checkpoint_fills_model(model, args.checkpoint,
                                 args.allow_partial_load, state)
    del state  # the runner loads the checkpoint itself
    metrics = runner.test()
    print({name: round(float(value), 4) for name, value in metrics.items()})


if __name__ == '__main__':
    main()
