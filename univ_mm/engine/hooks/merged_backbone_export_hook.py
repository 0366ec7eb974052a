"""Export UNIV's merged student backbone at every checkpoint save."""
import re
from pathlib import Path

from mmengine.dist import master_only
from mmengine.hooks import CheckpointHook, Hook
from mmengine.model import is_model_wrapper

from univ_mm.models.backbones.merged_export import export_merged_backbone
from univ_mm.registry import HOOKS

#: The merged file of iteration N: ``MERGED_BACKBONE_TMPL.format(N)``.
MERGED_BACKBONE_TMPL = 'univ_backbone_iter_{}.pth'
#: Message-hub entry: best-checkpoint key -> [its path, merged file iter].
BEST_EXPORTS = 'univ_best_backbone_exports'


@HOOKS.register_module()
class MergedBackboneExportHook(Hook):
    """Write the student with LoRA merged whenever a checkpoint is saved.

    The file, ``univ_backbone_iter_{N}.pth`` in the work directory, holds
    the plain backbone
    (:func:`~univ_mm.models.backbones.merged_export.export_merged_backbone`,
    as ``tools/export_backbone.py`` writes it), which downstream configs
    load directly. Once that checkpoint is saved (at this hook's next call:
    the checkpoint hook saves after it), it deletes the merged files of the
    checkpoints the checkpoint hook does not keep (it keeps those of its
    ``max_keep_ckpts`` newest and best checkpoints), so a kill during a save
    never leaves fewer exports than checkpoints.

    Args:
        filename_tmpl (str): Name of the merged file, formatted with the
            iteration. Defaults to ``'univ_backbone_iter_{}.pth'``.
    """

    priority = 'HIGH'

    def __init__(self,
                 filename_tmpl: str = MERGED_BACKBONE_TMPL) -> None:
        self.filename_tmpl = filename_tmpl
        self._exported_unsaved = False

    @master_only
    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        model = runner.model
        model = model.module if is_model_wrapper(model) else model
        iteration = checkpoint['meta']['iter']
        path = Path(runner.work_dir) / self.filename_tmpl.format(iteration)
        export_merged_backbone(model.backbone, path, iter=iteration,
                               epoch=checkpoint['meta']['epoch'])
        runner.logger.info(f'merged UNIV backbone written to {path}')
        _remember_best_exports(runner, iteration)
        self._exported_unsaved = True

    def before_train_iter(self, runner, batch_idx: int,
                          data_batch=None) -> None:
        self._prune_after_save(runner)

    def after_train(self, runner) -> None:
        self._prune_after_save(runner)

    def _prune_after_save(self, runner) -> None:
        """Prune the exports if a save happened since the last call: the
        checkpoint hook (lowest priority) has finished it by now."""
        if self._exported_unsaved:
            self._exported_unsaved = False
            self._prune_exports(runner)

    def _prune_exports(self, runner) -> None:
        """Keep the merged files of as many saves as the checkpoint hook
        keeps checkpoints (``max_keep_ckpts``), and those of its best ones.

        Files of iterations after the current one belong to a run that was
        abandoned by resuming an older checkpoint: they are neither counted
        nor deleted (the checkpoint hook treats its own files alike)."""
        hook = next((h for h in runner.hooks
                     if isinstance(h, CheckpointHook)), None)
        best = {step for _, step in
                runner.message_hub.get_info(BEST_EXPORTS, {}).values()}
        if hook is None or hook.max_keep_ckpts <= 0:
            return
        pattern = re.compile(re.escape(self.filename_tmpl).replace(
            re.escape('{}'), r'(\d+)') + '$')
        exports = {}
        for path in Path(runner.work_dir).iterdir():
            match = pattern.match(path.name)
            if match and int(match.group(1)) <= runner.iter:
                exports[int(match.group(1))] = path
        kept = set(sorted(exports)[-hook.max_keep_ckpts:]) | best
        for step, path in exports.items():
            if step not in kept:
                path.unlink(missing_ok=True)


def _remember_best_exports(runner, iteration: int) -> None:
    """Record which merged files belong to best checkpoints.

    MMEngine's hook records a new best checkpoint in the message hub right
    before saving it, so a ``best_ckpt*`` entry that changed since the last
    save marks this save as a best one. The answer is kept in the message
    hub, so it survives a resume.
    """
    info = runner.message_hub.runtime_info
    known = dict(info.get(BEST_EXPORTS, {}))
    for key, path in info.items():
        if key.startswith('best_ckpt') and known.get(key, [None])[0] != path:
            known[key] = [path, iteration]
    runner.message_hub.update_info(BEST_EXPORTS, known)
