"""Reseed every random generator from the iteration, for exact resumes."""
from mmengine.dist import get_rank
from mmengine.hooks import Hook
from mmengine.runner import EpochBasedTrainLoop

from univ_mm.registry import HOOKS

from ..worker_seeding import EpochReseed, install_epoch_reseed, seed_everything


@HOOKS.register_module()
class IterationSeedHook(Hook):
    """Seed Python, NumPy and torch from (seed, iteration, rank) each step,
    and the dataloader workers from (seed, epoch, worker id, rank) each
    epoch.

    MMEngine's resume restores weights, optimizer, schedulers and the data
    order, but not the random generators, so dropout masks after a resume
    differ from an uninterrupted run. With this hook every iteration draws
    from generators seeded by ``(seed, iteration, rank)`` alone: a run killed
    and resumed replays exactly the numbers of a straight run (bitwise on
    CPU; on GPU also set ``randomness=dict(deterministic=True)``).

    Data augmentation runs in dataloader workers, which MMEngine seeds only
    when they start; persistent workers (``persistent_workers=True``) would
    carry their generators over from epoch to epoch, and a resumed
    epoch-based run would start them afresh. The hook therefore puts an
    :class:`~univ_mm.engine.worker_seeding.EpochReseed` first in the train
    dataset's pipeline, which reseeds each worker at its first sample of an
    epoch-based loop's epoch. Iteration-based loops get no such step:
    MMEngine starts their workers before any hook runs, and a resume
    replays the data stream through them (it advances the dataloader to the
    resumed iteration), which is exact already.

    Args:
        seed (int, optional): Base seed. Defaults to None, meaning the
            runner's seed.
    """

    priority = 'VERY_HIGH'

    def __init__(self, seed: int | None = None) -> None:
        self.seed = seed
        self.workers: EpochReseed | None = None

    def base_seed(self, runner) -> int:
        """The seed everything is derived from."""
        return runner.seed if self.seed is None else self.seed

    def before_train(self, runner) -> None:
        loader = runner.train_dataloader
        if loader.num_workers and isinstance(runner.train_loop,
                                             EpochBasedTrainLoop):
            self.workers = install_epoch_reseed(
                loader.dataset, self.base_seed(runner), get_rank())

    def before_train_epoch(self, runner) -> None:
        if self.workers is not None:
            self.workers.set_epoch(runner.epoch)

    def before_train_iter(self, runner, batch_idx: int,
                          data_batch=None) -> None:
        seed_everything(self.base_seed(runner), runner.iter, get_rank())
