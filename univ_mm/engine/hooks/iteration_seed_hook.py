"""Reseed every random generator from the iteration, for exact resumes."""
import random

import numpy as np
import torch
from mmengine.dist import get_rank
from mmengine.hooks import Hook

from univ_mm.registry import HOOKS


@HOOKS.register_module()
class IterationSeedHook(Hook):
    """Seed Python, NumPy and torch from (seed, iteration, rank) each step.

    MMEngine's resume restores weights, optimizer, schedulers and the data
    order, but not the random generators, so dropout masks after a resume
    differ from an uninterrupted run. With this hook every iteration draws
    from generators seeded by ``(seed, iteration, rank)`` alone: a run killed
    and resumed replays exactly the numbers of a straight run (bitwise on
    CPU; on GPU also set ``randomness=dict(deterministic=True)``). Data
    augmentation runs in dataloader workers, which MMEngine seeds by worker.

    Args:
        seed (int, optional): Base seed. Defaults to None, meaning the
            runner's seed.
    """

    priority = 'VERY_HIGH'

    def __init__(self, seed: int | None = None) -> None:
        self.seed = seed

    def before_train_iter(self, runner, batch_idx: int,
                          data_batch=None) -> None:
        base = runner.seed if self.seed is None else self.seed
        seed = hash((base, runner.iter, get_rank())) % 2**32
        random.seed(seed)
        np.random.seed(seed)
        torch.manual_seed(seed)
