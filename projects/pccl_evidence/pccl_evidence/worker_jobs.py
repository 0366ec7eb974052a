"""Run a growing set of CPU jobs on worker processes, one torch thread each.

Small models on a CPU gain little from a second intra-op thread, and the
thread count changes the rounding of matrix products; so many one-thread
processes are both faster and thread-count independent: a job's result does
not depend on how many workers ran beside it.
"""
import gc
import heapq
import itertools
import multiprocessing
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from typing import Any, NamedTuple

import torch


class Job(NamedTuple):
    """``function(*args)`` to run in a worker.

    Args:
        priority (int): Lower runs first; equal priorities run in the order
            they were added.
        function (Callable): A module-level function (it is pickled by
            name into a forked worker).
        args (tuple): Its arguments, picklable.
        then (Callable): Called in the parent with the result; returns the
            jobs that follow from it (or None).
    """
    priority: int
    function: Callable
    args: tuple
    then: Callable[[Any], Iterable['Job'] | None]


def _init_worker() -> None:
    """One torch thread, and the objects inherited from the parent frozen:
    garbage collections (MMEngine's datasets run one each) then neither
    walk them nor copy their pages."""
    gc.freeze()
    torch.set_num_threads(1)


def run_jobs(jobs: Iterable[Job], workers: int) -> None:
    """Run ``jobs`` and the jobs their ``then`` returns, at most ``workers``
    at once, on forked processes with one torch thread each (as PyTorch's
    data-loader workers are) and the parent's objects out of their garbage
    collections. A job is handed to a worker only when one is
    free, so priorities hold.

    Raises:
        Exception: The first job's failure, after the queued jobs are
            dropped and the running ones stopped.
    """
    order = itertools.count()
    ready = [(job.priority, next(order), job) for job in jobs]
    heapq.heapify(ready)
    running = {}
    with ProcessPoolExecutor(workers, initializer=_init_worker,
                             mp_context=multiprocessing.get_context(
                                 'fork')) as pool:
        try:
            while ready or running:
                while ready and len(running) < workers:
                    job = heapq.heappop(ready)[2]
                    running[pool.submit(job.function, *job.args)] = job
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    for job in running.pop(future).then(
                            future.result()) or ():
                        heapq.heappush(ready, (job.priority, next(order),
                                               job))
        except BaseException:
            # what Python 3.14's ProcessPoolExecutor.terminate_workers does
            for process in list(pool._processes.values()):
                process.terminate()
            raise
