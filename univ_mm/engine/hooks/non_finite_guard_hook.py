"""Stop training on a non-finite loss; never save non-finite weights."""
import torch
from mmengine.hooks import Hook

from univ_mm.registry import HOOKS


@HOOKS.register_module()
class NonFiniteGuardHook(Hook):
    """Fail fast when training diverges, before anything is checkpointed.

    After every iteration the logged losses are checked; a NaN or infinite
    one raises ``FloatingPointError`` naming the iteration and the loss
    terms, before the checkpoint hook (lower priority) can save that
    iteration. Before any checkpoint is written, the model's floating
    weights are checked too, so a good checkpoint is never replaced by one
    with non-finite weights.
    """

    priority = 'VERY_HIGH'

    def after_train_iter(self, runner, batch_idx: int, data_batch=None,
                         outputs: dict | None = None) -> None:
        bad = {name: float(value) for name, value in (outputs or {}).items()
               if 'loss' in name and not torch.isfinite(
                   torch.as_tensor(value)).all()}
        if bad:
            raise FloatingPointError(
                f'non-finite loss at iteration {runner.iter + 1}: {bad}. '
                'Training stopped and this iteration was not saved; resume '
                'from the last checkpoint with a lower lr or with AMP off.')

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        bad = [name for name, value in checkpoint['state_dict'].items()
               if value.is_floating_point() and not torch.isfinite(
                   value).all()]
        if bad:
            raise FloatingPointError(
                f'refusing to save iteration {runner.iter}: non-finite '
                f'weights in {bad[:5]} ({len(bad)} tensors)')
