"""Merge the LoRA student of a UNIV training checkpoint before loading.

The tensor merge and the literal reading of the checkpoint's config text
are :mod:`..lora_merge`'s, which the export uses too.
"""
from mmengine.logging import print_log

from ..lora_merge import (
    PREFIX,
    merge_lora_weights,
    merged_lora_cfg,
    student_weights,
    training_backbone_cfg,
)


def merge_lora_student(checkpoint: dict, source: str, prefix: str | None,
                       default_lora_cfg: dict) -> dict:
    """What a backbone loads from ``checkpoint``, its LoRA student merged.

    A UNIV training checkpoint (``iter_N.pth``) holds the student unmerged
    (``backbone.*.base_layer.weight``, ``lora_A``/``lora_B``). When that is
    what ``prefix`` asks for, it is merged on the tensors
    (:func:`..lora_merge.merge_lora_weights`), so both backbones
    load training checkpoints like exports. Nothing is built: the loading
    backbone checks that the result fits it. The scaling is the one of the
    checkpoint's ``lora_cfg`` numbers (``meta['cfg']`` read as literals)
    over ``default_lora_cfg``; the type that text names is never read.

    Args:
        checkpoint (dict): A loaded checkpoint of any format.
        source (str): Where it comes from, for messages.
        prefix (str, optional): The ``init_cfg.prefix`` of the loading
            backbone; another than ``'backbone.'`` (e.g. ``'teacher.'``)
            leaves the checkpoint as it is.
        default_lora_cfg (dict): The loading backbone's default
            ``lora_cfg`` (its ``default_lora_cfg``).

    Returns:
        dict: ``checkpoint`` itself when it has no LoRA student to load,
        else ``dict(state_dict=...)`` with only the merged student, under
        ``backbone.``.

    Raises:
        KeyError: The checkpoint carries no ``meta['cfg']``.
        ValueError: Its LoRA weights or numbers cannot be merged.
    """
    state = checkpoint.get('state_dict')
    if prefix not in (None, PREFIX) or not isinstance(state, dict) or \
            not any(k.startswith(PREFIX) and 'lora_' in k for k in state):
        return checkpoint
    lora_cfg = merged_lora_cfg(training_backbone_cfg(checkpoint, source),
                               default_lora_cfg, source)
    merged = merge_lora_weights(student_weights(checkpoint, source),
                                lora_cfg, source)
    print_log(f'{source}: merged the LoRA student ({PREFIX}*) as '
              'tools/export_backbone.py does', logger='current')
    return dict(state_dict={PREFIX + k: v for k, v in merged.items()})
