"""A CheckpointHook that deletes old checkpoints after saving the new one."""
from mmengine.dist import is_main_process
from mmengine.hooks import CheckpointHook

from univ_mm.checkpoint.atomic_io import ATOMIC_BACKEND
from univ_mm.registry import HOOKS


@HOOKS.register_module()
class SafeCheckpointHook(CheckpointHook):
    """MMEngine's ``CheckpointHook``, deleting only after the save is complete.

    MMEngine's hook deletes the oldest of ``max_keep_ckpts`` checkpoints,
    and the previous best checkpoint of ``save_best``, *before* it writes
    the new one, so a process killed during that save (or a save that fails,
    e.g. on a full disk) loses it. This hook saves first (the write is
    atomic, see :mod:`univ_mm.checkpoint.atomic_io`; the next save removes the
    temporary file a killed one left), updates ``last_checkpoint``, and only
    then deletes the checkpoints beyond ``max_keep_ckpts`` and the best
    checkpoints that a new best replaced, for every ``rule`` and key of
    ``save_best``. Everything else is MMEngine's hook unchanged; the
    arguments are the same. Without ``backend_args`` (and
    ``file_client_args``) a local ``out_dir`` is written with the atomic
    backend, ``backend_args=dict(backend=ATOMIC_BACKEND)``; other writes of
    the process keep MMEngine's backends. ``last_checkpoint`` stays
    MMEngine's plain write: resuming does not trust it
    (:func:`~univ_mm.checkpoint.atomic_io.latest_checkpoint`).
    """

    def __init__(self, *args, backend_args: dict | None = None,
                 **kwargs) -> None:
        if backend_args is None and kwargs.get('file_client_args') is None \
                and '://' not in str(kwargs.get('out_dir') or ''):
            backend_args = dict(backend=ATOMIC_BACKEND)
        super().__init__(*args, backend_args=backend_args, **kwargs)

    def _save_checkpoint_with_step(self, runner, step, meta) -> None:
        ids = getattr(self, 'keep_ckpt_ids', ())
        stale = None
        if 0 < self.max_keep_ckpts == len(ids) and ids[-1] != step:
            # Taken out of the list, so MMEngine's hook does not delete it
            # before saving; deleted below, once the new checkpoint is in.
            stale = ids.popleft()
        super()._save_checkpoint_with_step(runner, step, meta)
        if stale is not None:
            self._remove(self.file_backend.join_path(
                self.out_dir, self.filename_tmpl.format(stale)))

    def _save_best_checkpoint(self, runner, metrics) -> None:
        if not self.save_best:
            return
        # MMEngine's hook deletes the best checkpoint it knows of before
        # saving a better one: it is shown none, and the ones that a new
        # best replaced are deleted once the new ones are saved.
        previous = self._best_paths()
        self._set_best_paths(dict.fromkeys(previous))
        super()._save_best_checkpoint(runner, metrics)
        saved = self._best_paths()
        for key, old in previous.items():
            if saved[key] is None:  # no new best for this key
                saved[key] = old
            elif old is not None and old != saved[key]:
                self._remove(old)
                runner.logger.info(f'The previous best checkpoint {old} is '
                                   f'removed: {saved[key]} replaces it')
        self._set_best_paths(saved)

    def _best_paths(self) -> dict:
        """Key indicator -> path of its best checkpoint (None: none yet);
        the key is None for a single indicator (``'auto'`` until the first
        evaluation names it)."""
        if len(self.key_indicators) == 1:
            return {None: self.best_ckpt_path}
        return dict(self.best_ckpt_path_dict)

    def _set_best_paths(self, paths: dict) -> None:
        if None in paths:
            self.best_ckpt_path = paths[None]
        else:
            self.best_ckpt_path_dict.update(paths)

    def _remove(self, path: str) -> None:
        """Delete the checkpoint ``path`` (file or folder), rank 0 only."""
        if not is_main_process():
            return
        if self.file_backend.isfile(path):
            self.file_backend.remove(path)
        elif self.file_backend.isdir(path):
            self.file_backend.rmtree(path)
