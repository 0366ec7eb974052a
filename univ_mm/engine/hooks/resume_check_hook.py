"""Refuse to resume a checkpoint of another model."""
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper

from univ_mm.checkpoint.fill_check import weight_mismatches
from univ_mm.registry import HOOKS

#: How many differing weights the error names.
SHOWN = 3


@HOOKS.register_module()
class ResumeCheckHook(Hook):
    """Stop a resume whose checkpoint does not fit the model, before it is
    loaded.

    MMEngine's resume loads the weights non-strictly: a checkpoint of
    another model (a ViT-T run resumed with ``arch='deit-s'``) gives one
    size-mismatch warning per weight, then fails inside the optimizer at
    the first step. Right after the checkpoint is read, this hook compares
    its weights (names and shapes) with the model's and raises a
    ``ValueError`` naming the first that differ. ``tools/train.py`` adds it
    to every ``--resume`` run.
    """

    priority = 'VERY_HIGH'

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        model = runner.model.module if is_model_wrapper(
            runner.model) else runner.model
        differences = weight_differences(checkpoint['state_dict'],
                                         model.state_dict())
        if differences:
            raise ValueError(
                f'--resume: {runner.cfg.get("load_from") or "the checkpoint"}'
                f' was saved by another model than the config builds: '
                f'{len(differences)} weights differ (first: '
                f'{"; ".join(differences[:SHOWN])}). Resume with the config '
                '(arch, image size, options) the run was trained with, or '
                'start a new run in another --work-dir (load_from=PATH '
                'without --resume loads the weights that fit).')



def weight_differences(saved: dict, current: dict) -> list[str]:
    """The weights of checkpoint ``saved`` and model ``current`` (state
    dicts) that differ in shape or exist in one only, described."""
    found = weight_mismatches(current, saved)
    return ([f'{key}: checkpoint {shape_saved}, model {shape}'
             for key, shape_saved, shape in found.reshaped]
            + [f'{key}: only in the checkpoint' for key in found.unexpected]
            + [f'{key}: only in the model' for key in found.missing])
