"""Seed the random generators of dataloader workers from the epoch.

MMEngine seeds a worker once, when it starts (``worker_init_fn`` from seed,
worker id and rank). A persistent worker then keeps its generators from
epoch to epoch, so after a resume at epoch N the fresh workers draw what a
straight run drew in epoch 0, not in epoch N. :class:`EpochReseed` reseeds
each worker from ``(seed, epoch, worker id, rank)`` at the first sample it
prepares in an epoch, so the augmentation of an epoch depends on the epoch
alone, whatever the worker drew before.
"""
import random

import numpy as np
import torch
from mmengine.dataset import Compose
from torch.utils.data import Dataset, get_worker_info


def seed_everything(*parts: int) -> None:
    """Seed Python, NumPy and torch from a hash of ``parts``."""
    seed = hash(parts) % 2**32
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


class EpochReseed:
    """First step of a dataset pipeline: reseeds a worker once per epoch.

    The epoch lives in shared memory, so the main process can announce it
    (:meth:`set_epoch`) to workers that are already running. In the main
    process itself (``num_workers=0``) the step does nothing.

    Args:
        seed (int): Base seed.
        rank (int): Rank of this process.
    """

    def __init__(self, seed: int, rank: int) -> None:
        self.seed, self.rank = seed, rank
        self.epoch = torch.zeros((), dtype=torch.int64).share_memory_()
        self.seeded_for: int | None = None

    def set_epoch(self, epoch: int) -> None:
        """Announce ``epoch``; call it before the epoch's first batch is
        requested."""
        self.epoch.fill_(epoch)

    def __call__(self, results: dict) -> dict:
        worker, epoch = get_worker_info(), int(self.epoch)
        if worker is not None and epoch != self.seeded_for:
            seed_everything(self.seed, epoch, worker.id, self.rank)
            self.seeded_for = epoch
        return results

    def __repr__(self) -> str:
        return f'{type(self).__name__}(seed={self.seed}, rank={self.rank})'


def install_epoch_reseed(dataset: Dataset, seed: int,
                         rank: int) -> EpochReseed:
    """Put an :class:`EpochReseed` first in ``dataset``'s pipeline (once;
    a later call reuses it with the new seed) and return it.

    Raises:
        TypeError: ``dataset`` has no MMEngine ``Compose`` pipeline (e.g.
            a dataset wrapper), so its workers cannot be reseeded.
    """
    pipeline = getattr(dataset, 'pipeline', None)
    if not isinstance(pipeline, Compose):
        raise TypeError(
            f'{type(dataset).__name__} has no MMEngine pipeline, so '
            f'IterationSeedHook cannot reseed its dataloader workers per '
            f'epoch. Use a dataset with a `pipeline` (MMEngine '
            f'BaseDataset), or set train_dataloader.num_workers=0.')
    first = pipeline.transforms[0] if pipeline.transforms else None
    if isinstance(first, EpochReseed):
        first.seed, first.rank = seed, rank
        return first
    step = EpochReseed(seed, rank)
    pipeline.transforms.insert(0, step)
    return step
