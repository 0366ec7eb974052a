"""An AMP step in a handful of kernels: global-norm clipping folded into
the fused optimizer's gradient unscaling.

MMEngine's ``AmpOptimWrapper`` unscales every gradient
(``GradScaler.unscale_``), clips them (``clip_grad_norm_``: norms, then a
multiply of every gradient) and steps. A fused ``torch.optim`` optimizer
(``fused=True``, e.g. AdamW) divides the gradients by a ``grad_scale``
tensor inside its own kernel, so here the clip coefficient joins the loss
scale there and no gradient is rewritten before the step.
"""
import math

import torch
from mmengine.optim import AmpOptimWrapper, OptimWrapper

from univ_mm.registry import OPTIM_WRAPPERS

#: Added to the norm in the clip coefficient, as ``clip_grad_norm_`` does.
EPS = 1e-6
#: ``GradScaler`` internals the folded step reads (torch 2.x): the scale
#: tensor without a sync, and the per-optimizer state ``update`` reads the
#: overflow flag from. A torch without them gets MMEngine's step.
SCALER_INTERNALS = ('_get_scale_async', '_per_optimizer_states')


class FusedClipMixin:
    """``scaled_step(scaler)``: one AMP step with clipping in the optimizer.

    Applies when the scaler is enabled (and has :data:`SCALER_INTERNALS`),
    every parameter group is fused and ``clip_grad`` is the L2 global norm
    (``dict(max_norm=...)``); otherwise
    it returns False and the caller steps as ``AmpOptimWrapper`` does. The
    step:

    1. the global norm of the scaled gradients (``_foreach_norm``, stack,
       norm) divided by the loss scale: the norm MMEngine logs as
       ``grad_norm``, read once on the host (MMEngine and ``GradScaler``
       read two values);
    2. a non-finite norm skips the step (as ``GradScaler`` does on
       overflow); otherwise the optimizer divides the gradients by
       ``scale / min(1, max_norm / (norm + 1e-6))``, i.e. unscales and clips
       them as MMEngine would, in its fused kernel;
    3. ``GradScaler.update`` with that outcome.
    """

    def scaled_step(self, scaler: torch.amp.GradScaler, **kwargs) -> bool:
        """Unscale, clip and step with ``scaler``; then update its scale.

        Returns:
            bool: Whether it stepped (False: the conditions above fail and
            nothing was done).
        """
        if not self._folds_clipping(scaler):
            return False
        scale = scaler._get_scale_async()
        grads = [p.grad for group in self.optimizer.param_groups
                 for p in group['params'] if p.grad is not None]
        norm = float(torch.linalg.vector_norm(torch.stack(
            torch._foreach_norm(grads))) / scale)
        self.message_hub.update_scalar(f'train/{self.grad_name}', norm)
        finite = math.isfinite(norm)
        if finite:
            coefficient = self.clip_grad_kwargs['max_norm'] / (norm + EPS)
            self.optimizer.grad_scale = \
                scale / coefficient if coefficient < 1 else scale
            try:
                self.optimizer.step(**kwargs)
            finally:
                del self.optimizer.grad_scale
        self._update_scale(scaler, finite, scale.device)
        return True

    def _folds_clipping(self, scaler: torch.amp.GradScaler) -> bool:
        """Whether :meth:`scaled_step` may fold clipping into the step."""
        kwargs = self.clip_grad_kwargs
        return (scaler.is_enabled()
                and all(hasattr(scaler, name) for name in SCALER_INTERNALS)
                and self.grad_name == 'grad_norm'  # clip_grad type 'norm'
                and set(kwargs) <= {'max_norm', 'norm_type'}
                and float(kwargs.get('norm_type', 2.0)) == 2.0
                and getattr(self.optimizer, '_step_supports_amp_scaling',
                            False)
                and all(g.get('fused') for g in self.optimizer.param_groups))

    def _update_scale(self, scaler: torch.amp.GradScaler, finite: bool,
                      device: torch.device) -> None:
        """``scaler.update`` given whether the gradients were finite (the
        finite flag is made once and reused: no kernel per step)."""
        found_inf = getattr(self, '_all_finite', None)
        if not finite:
            found_inf = torch.ones((), device=device)
        elif found_inf is None or found_inf.device != device:
            found_inf = self._all_finite = torch.zeros((), device=device)
        state = scaler._per_optimizer_states[id(self.optimizer)]
        state['found_inf_per_device'] = {device: found_inf}
        scaler.update(getattr(self, '_scale_update_param', None))


@OPTIM_WRAPPERS.register_module()
class FusedClipAmpOptimWrapper(FusedClipMixin, AmpOptimWrapper):
    """MMEngine's ``AmpOptimWrapper`` whose step is
    :meth:`FusedClipMixin.scaled_step` (use it with ``fused=True``)."""

    def step(self, **kwargs) -> None:
        if not self.scaled_step(self.loss_scaler, **kwargs):
            super().step(**kwargs)


@OPTIM_WRAPPERS.register_module()
class FusedClipOptimWrapper(FusedClipMixin, OptimWrapper):
    """The same without AMP (``OptimWrapper``'s step, e.g. on CPU);
    :meth:`FusedClipMixin.scaled_step` runs an AMP step with a given
    scaler (the cost model's)."""

