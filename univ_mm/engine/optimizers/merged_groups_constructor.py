"""An optimizer constructor that merges parameter groups which differ in
nothing but their parameters."""
from mmengine.optim import DefaultOptimWrapperConstructor, OptimWrapper
from torch import nn
from torch.optim import Optimizer

from univ_mm.registry import OPTIM_WRAPPER_CONSTRUCTORS

#: Keys of MMEngine's parameter groups that are labels, not hyperparameters.
LABELS = ('params', 'param_name')


def merge_param_groups(groups: list[dict]) -> list[dict]:
    """Groups with identical hyperparameters joined, in first-seen order.

    AdamW (and every ``torch.optim`` optimizer) treats the parameters of a
    group alike, so the merged optimizer computes the same update; its
    ``_foreach``/fused kernels then run once over many tensors instead of
    once per parameter.

    Args:
        groups (list[dict]): ``torch.optim`` parameter groups.

    Returns:
        list[dict]: The merged groups (labels such as ``param_name`` are
        dropped from merged groups).
    """
    merged: dict[tuple, dict] = {}
    for group in groups:
        hyper = {k: v for k, v in group.items() if k not in LABELS}
        key = tuple(sorted((k, repr(v)) for k, v in hyper.items()))
        target = merged.setdefault(key, dict(hyper, params=[]))
        target['params'].extend(group['params'])
    return list(merged.values())


@OPTIM_WRAPPER_CONSTRUCTORS.register_module()
class MergedGroupsOptimWrapperConstructor(DefaultOptimWrapperConstructor):
    """MMEngine's default constructor, then :func:`merge_param_groups`.

    With ``paramwise_cfg`` MMEngine makes one group per parameter; when the
    multipliers change nothing (UNIV's LoRA weights have no norms or
    biases, so all share lr and weight decay) this gives one group. Groups
    that differ keep their own hyperparameters, so the update is exact.
    Parameter schedulers scale every group alike, so merged groups stay
    identical. The optimizer's state dict then holds fewer groups: loading
    one written with other groups (MMEngine's default constructor, one
    group per parameter) raises a ``ValueError`` that says how to resume
    it.
    """

    def __call__(self, model: nn.Module) -> OptimWrapper:
        wrapper = super().__call__(model)
        optimizer = wrapper.optimizer
        merged = merge_param_groups(optimizer.param_groups)
        if len(merged) < len(optimizer.param_groups):
            optimizer.param_groups = []
            for group in merged:
                optimizer.add_param_group(group)
        optimizer.register_load_state_dict_pre_hook(check_group_layout)
        return wrapper


def check_group_layout(optimizer: Optimizer, state_dict: dict) -> None:
    """Raise a ``ValueError`` naming the cause and the fix when
    ``state_dict`` has another number of parameter groups than the merged
    ``optimizer`` (``torch.optim.Optimizer.load_state_dict`` pre-hook)."""
    saved, merged = len(state_dict['param_groups']), len(
        optimizer.param_groups)
    if saved != merged:
        raise ValueError(
            f'the checkpoint\'s optimizer has {saved} parameter groups, this '
            f'one {merged}: MergedGroupsOptimWrapperConstructor joins groups '
            'with equal hyperparameters, and the checkpoint was written '
            'without it (e.g. by MMEngine\'s default constructor, one group '
            'per parameter). Resume it as it was trained, e.g. with '
            '--cfg-options '
            'optim_wrapper.constructor=DefaultOptimWrapperConstructor '
            'optim_wrapper.optimizer.fused=None '
            '(with the optimizer it had, unfused).')
