"""pccl_evidence.worker_jobs: jobs and their follow-ups run on one-thread
workers, by priority, and a failure stops the run."""
import gc
import os

import pytest
import torch
from pccl_evidence.worker_jobs import Job, run_jobs


def report(name: str) -> tuple[str, int, int, int]:
    """A job: its name, its process, its torch thread count and how many
    objects its garbage collections skip."""
    return name, os.getpid(), torch.get_num_threads(), gc.get_freeze_count()


def fail(name: str) -> None:
    raise ValueError(f'job {name} failed')


def test_follow_ups_run_by_priority_on_one_thread_workers():
    done = []

    def record(result):
        done.append(result)
        name = result[0]
        if name == 'teacher':  # two follow-ups, the later one first
            return [Job(2, report, ('seg',), record),
                    Job(1, report, ('pccl',), record)]
        return None

    run_jobs([Job(3, report, ('late',), record),
              Job(0, report, ('teacher',), record)], workers=1)
    assert [name for name, *_ in done] == ['teacher', 'pccl', 'seg', 'late']
    assert {threads for _, _, threads, _ in done} == {1}
    assert os.getpid() not in {pid for _, pid, _, _ in done}
    # the parent's objects (this test module among them) are frozen
    assert min(frozen for *_, frozen in done) > 1000


def test_jobs_spread_over_the_workers():
    done = []
    run_jobs([Job(0, report, (str(k), ), done.append) for k in range(6)],
             workers=2)
    assert sorted(name for name, *_ in done) == list('012345')


def test_a_failed_job_raises_and_drops_the_queued_ones():
    done = []
    with pytest.raises(ValueError, match='job b failed'):
        run_jobs([Job(0, report, ('a',), done.append),
                  Job(1, fail, ('b',), done.append),
                  Job(2, report, ('c',), done.append)], workers=1)
    assert [name for name, *_ in done] == ['a']
