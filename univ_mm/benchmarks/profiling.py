"""Timing, peak-memory and FLOP measurements for the benchmark tools."""
import resource
import statistics
import time
from collections.abc import Callable

import torch
from torch.profiler import ProfilerActivity, profile
from torch.utils.flop_counter import FlopCounterMode


def synchronize(device: torch.device) -> None:
    """Wait for queued kernels, so wall-clock timings are honest."""
    if device.type == 'cuda':
        torch.cuda.synchronize(device)


def _seconds(fn: Callable[[], object], device: torch.device) -> float:
    synchronize(device)
    start = time.perf_counter()
    fn()
    synchronize(device)
    return time.perf_counter() - start


def median_seconds(fns: dict[str, Callable[[], object]],
                   device: torch.device, warmup: int = 2,
                   repeats: int = 5) -> dict[str, float]:
    """Median wall-clock time of each callable after ``warmup`` calls.

    The callables take turns (one call each per round), so a change in the
    machine's load during the measurement hits all of them alike and their
    ratios stay meaningful.
    """
    for _ in range(warmup):
        for fn in fns.values():
            fn()
    times: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(repeats):
        for name, fn in fns.items():
            times[name].append(_seconds(fn, device))
    return {name: statistics.median(t) for name, t in times.items()}


def _peak_cpu_allocated_bytes(fn: Callable[[], object]) -> int:
    """Peak of the bytes ``fn`` holds allocated through torch on the CPU.

    Replays the profiler's allocation and free records in time order. The
    process's resident set cannot show this: after a warm-up glibc keeps
    freed memory, so it stays flat.
    """
    with profile(activities=[ProfilerActivity.CPU],
                 profile_memory=True) as prof:
        fn()
    live = peak = 0
    for event in sorted(prof.events(), key=lambda e: e.time_range.start):
        # '[memory]' records are frees outside an op; ops carry their own
        live += (event.cpu_memory_usage if event.name == '[memory]' else
                 event.self_cpu_memory_usage)
        peak = max(peak, live)
    return peak


def peak_memory_bytes(fn: Callable[[], object], device: torch.device) -> int:
    """Extra memory ``fn`` needs at its peak: the CUDA allocator's peak on a
    GPU, torch's CPU allocations (profiler records) on CPU."""
    if device.type != 'cuda':
        return _peak_cpu_allocated_bytes(fn)
    synchronize(device)
    torch.cuda.reset_peak_memory_stats(device)
    before = torch.cuda.memory_allocated(device)
    fn()
    synchronize(device)
    return torch.cuda.max_memory_allocated(device) - before


def max_resident_bytes() -> int:
    """The process's peak resident set so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def count_flops(fn: Callable[[], object]) -> int:
    """FLOPs of one call of ``fn`` (matmuls, convolutions, attention)."""
    with FlopCounterMode(display=False) as counter:
        fn()
    return counter.get_total_flops()
