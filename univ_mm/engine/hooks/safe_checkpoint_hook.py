"""A CheckpointHook that deletes old checkpoints after saving the new one."""
from mmengine.dist import is_main_process
from mmengine.hooks import CheckpointHook

from univ_mm.registry import HOOKS


@HOOKS.register_module()
class SafeCheckpointHook(CheckpointHook):
    """MMEngine's ``CheckpointHook``, pruning only after the save is complete.

    MMEngine's hook deletes the oldest of ``max_keep_ckpts`` checkpoints
    *before* it writes the new one, so with ``max_keep_ckpts=1`` a process
    killed during that save leaves no checkpoint at all. This hook saves
    first (the write is atomic, see :mod:`univ_mm.utils.atomic_io`), updates
    ``last_checkpoint``, and only then deletes the checkpoints beyond
    ``max_keep_ckpts``. Everything else is MMEngine's hook unchanged; the
    arguments are the same.
    """

    def _save_checkpoint_with_step(self, runner, step, meta) -> None:
        ids = getattr(self, 'keep_ckpt_ids', ())
        stale = None
        if 0 < self.max_keep_ckpts == len(ids) and ids[-1] != step:
            # Taken out of the list, so MMEngine's hook does not delete it
            # before saving; deleted below, once the new checkpoint is in.
            stale = ids.popleft()
        super()._save_checkpoint_with_step(runner, step, meta)
        if stale is not None:
            self._remove(stale)

    def _remove(self, step: int) -> None:
        """Delete the checkpoint of ``step`` (file or folder), rank 0 only."""
        if not is_main_process():
            return
        path = self.file_backend.join_path(self.out_dir,
                                           self.filename_tmpl.format(step))
        if self.file_backend.isfile(path):
            self.file_backend.remove(path)
        elif self.file_backend.isdir(path):
            self.file_backend.rmtree(path)
