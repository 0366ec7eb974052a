"""Per-parameter gradient clipping, as the UNIV release trains.

The release (``clip_gradients`` of its ``utils/utils.py``, from DINO) scales
every parameter's gradient separately to a norm of at most ``max_norm``;
MMEngine's ``clip_grad=dict(max_norm=...)`` scales all gradients together
by their global norm. With ``clip_grad=dict(type='per_parameter',
max_norm=3.0)`` the wrappers here clip the release's way in
``update_params``, after the AMP loss scale is removed.
"""
from collections.abc import Iterable

import torch
from mmengine.optim import AmpOptimWrapper, OptimWrapper
from torch import Tensor

from univ_mm.registry import OPTIM_WRAPPERS


def clip_grad_per_parameter_(parameters: Iterable[torch.nn.Parameter],
                             max_norm: float, eps: float = 1e-6) -> Tensor:
    """Scale each gradient by ``min(1, max_norm / (norm + eps))`` in place.

    The norms come from one ``torch._foreach_norm`` per device and dtype and
    the factors from one vectorised expression; the scaling is one
    ``_foreach_mul_`` by the factors as 0-d tensors (no host sync; CUDA
    runs it tensor by tensor, as the factors' shapes differ from the
    gradients').

    Args:
        parameters (Iterable[Parameter]): Parameters with gradients.
        max_norm (float): Largest L2 norm a parameter's gradient keeps.
        eps (float): Added to each norm, as in the release.
            Defaults to 1e-6.

    Returns:
        Tensor: The largest per-parameter norm before clipping.
    """
    groups: dict[tuple, list[Tensor]] = {}
    for param in parameters:
        grad = param.grad.detach()
        groups.setdefault((grad.device, grad.dtype), []).append(grad)
    largest = []
    for grads in groups.values():
        norms = torch.stack(torch._foreach_norm(grads))
        factors = (max_norm / (norms + eps)).clamp(max=1.0)
        torch._foreach_mul_(grads, list(factors.unbind()))
        largest.append(norms.max().float())
    return torch.stack([n.to(largest[0].device) for n in largest]).max()


class PerParameterClipMixin:
    """Adds ``clip_grad=dict(type='per_parameter', max_norm=...)``.

    Other ``clip_grad`` types keep MMEngine's behaviour. The largest
    per-parameter norm before clipping is logged as ``grad_norm_max``.
    """

    def __init__(self, *args, clip_grad: dict | None = None,
                 **kwargs) -> None:
        per_parameter = bool(clip_grad) and \
            clip_grad.get('type') == 'per_parameter'
        if per_parameter:
            clip_grad = {**clip_grad, 'type': 'norm'}
        super().__init__(*args, clip_grad=clip_grad, **kwargs)
        if per_parameter:
            self.clip_func = clip_grad_per_parameter_
            self.grad_name = 'grad_norm_max'


@OPTIM_WRAPPERS.register_module()
class PerParameterClipOptimWrapper(PerParameterClipMixin, OptimWrapper):
    """MMEngine's ``OptimWrapper`` with per-parameter clipping."""


@OPTIM_WRAPPERS.register_module()
class PerParameterClipAmpOptimWrapper(PerParameterClipMixin,
                                      AmpOptimWrapper):
    """MMEngine's ``AmpOptimWrapper`` with per-parameter clipping (on the
    unscaled gradients)."""
