"""Keep UNIV's teacher frozen and export the merged student backbone."""
import re
from pathlib import Path

import torch
from mmengine.dist import master_only
from mmengine.hooks import CheckpointHook, Hook
from mmengine.model import is_model_wrapper
from torch import nn

from univ_mm.registry import HOOKS
from univ_mm.utils.checkpoint import save_merged_backbone

#: Message-hub entry: best-checkpoint key -> [its path, merged file iter].
BEST_EXPORTS = 'univ_best_backbone_exports'


def weight_fingerprint(module: nn.Module) -> torch.Tensor:
    """Float64 sums of every tensor of ``module``: moves if any weight does.

    Returns:
        Tensor: ``[num_tensors, 2]``, the sum and the sum of squares.
    """
    return torch.stack([
        torch.stack([t.double().sum(), t.double().square().sum()])
        for t in module.state_dict().values()
    ])


@HOOKS.register_module()
class PCCLDistillationHook(Hook):
    """Guard the frozen teacher of a UNIV model and export merged weights.

    * Before training and before every iteration the teacher is put back in
      eval mode if anything switched it to train mode.
    * It fails loudly (``RuntimeError``) if a teacher weight requires
      gradients, is handed to the optimizer, holds a gradient, or changes
      (checked every ``check_interval`` iterations).
    * Whenever the runner saves a checkpoint it also writes the student with
      LoRA merged, under plain mmpretrain names, as
      ``univ_backbone_iter_{N}.pth`` in the work directory. Once that
      checkpoint is saved (at this hook's next call: the checkpoint hook
      saves after it), it deletes the merged files of the checkpoints the
      checkpoint hook does not keep (it keeps those of its
      ``max_keep_ckpts`` newest and best checkpoints), so a kill during a
      save never leaves fewer exports than checkpoints.

    Args:
        check_interval (int): Iterations between the gradient and weight
            checks. Defaults to 50.
        export_backbone (bool): Write the merged backbone on every save.
            Defaults to True.
        filename_tmpl (str): Name of the merged file, formatted with the
            iteration. Defaults to ``'univ_backbone_iter_{}.pth'``.
    """

    priority = 'HIGH'

    def __init__(self,
                 check_interval: int = 50,
                 export_backbone: bool = True,
                 filename_tmpl: str = 'univ_backbone_iter_{}.pth') -> None:
        self.check_interval = check_interval
        self.export_backbone = export_backbone
        self.filename_tmpl = filename_tmpl
        self._fingerprint: torch.Tensor | None = None
        self._exported_unsaved = False

    @staticmethod
    def _model(runner) -> nn.Module:
        model = runner.model
        return model.module if is_model_wrapper(model) else model

    def before_train(self, runner) -> None:
        teacher = self._model(runner).teacher
        trainable = [n for n, p in teacher.named_parameters()
                     if p.requires_grad]
        if trainable:
            raise RuntimeError(f'teacher weights require grad: {trainable}')
        teacher_ids = {id(p) for p in teacher.parameters()}
        for group in runner.optim_wrapper.optimizer.param_groups:
            if any(id(p) in teacher_ids for p in group['params']):
                raise RuntimeError('the optimizer holds teacher weights')
        self._fingerprint = weight_fingerprint(teacher)
        teacher.eval()
        student = list(self._model(runner).backbone.parameters())
        trained = sum(p.requires_grad for p in student)
        runner.logger.info(
            f'teacher: {len(teacher_ids)} frozen weights, none in the '
            f'optimizer (checked); student: {trained} of {len(student)} '
            'weights train (LoRA)')

    def before_train_iter(self, runner, batch_idx: int,
                          data_batch=None) -> None:
        self._prune_after_save(runner)
        teacher = self._model(runner).teacher
        if any(m.training for m in teacher.modules()):
            teacher.eval()

    def after_train_iter(self, runner, batch_idx: int, data_batch=None,
                         outputs=None) -> None:
        if not self.every_n_train_iters(runner, self.check_interval):
            return
        teacher = self._model(runner).teacher
        with_grad = [n for n, p in teacher.named_parameters()
                     if p.requires_grad or p.grad is not None]
        if with_grad:
            raise RuntimeError(
                f'teacher weights received gradients: {with_grad}')
        if not torch.equal(weight_fingerprint(teacher), self._fingerprint):
            raise RuntimeError(
                f'teacher weights changed by iteration {runner.iter + 1}')

    @master_only
    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        if not self.export_backbone:
            return
        iteration = checkpoint['meta']['iter']
        path = Path(runner.work_dir) / self.filename_tmpl.format(iteration)
        backbone = self._model(runner).backbone
        save_merged_backbone(backbone.merged_state_dict(), path,
                             meta=dict(iter=iteration,
                                       epoch=checkpoint['meta']['epoch'],
                                       arch=backbone.arch_settings))
        runner.logger.info(f'merged UNIV backbone written to {path}')
        _remember_best_exports(runner, iteration)
        self._exported_unsaved = True

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
        keeps checkpoints (``max_keep_ckpts``), and those of its best ones."""
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
            if match:
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
