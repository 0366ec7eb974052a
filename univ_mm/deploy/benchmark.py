"""CPU latency of an exported graph: PyTorch eager against ONNX Runtime
(``tools/deploy/benchmark_onnx.py``)."""
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import torch
from torch import Tensor, nn

from .onnx_export import onnx_session


def _milliseconds(run: Callable[[], object], warmup: int,
                  runs: int) -> list[float]:
    """Wall times of ``runs`` calls of ``run`` after ``warmup`` calls."""
    for _ in range(warmup):
        run()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return times


def latency(graph: nn.Module, onnx_path: Path, image: Tensor,
            threads: list[int], warmup: int = 2, runs: int = 10
            ) -> list[dict]:
    """Time PyTorch eager and ONNX Runtime (CPU) on ``image``.

    Args:
        graph (nn.Module): The exported forward (``build_graph``).
        onnx_path (Path): Its ONNX file.
        image (Tensor): One input batch.
        threads (list[int]): Thread counts to time each engine with
            (``torch.set_num_threads``; ONNX Runtime's intra-op threads).
        warmup (int): Untimed calls first. Defaults to 2.
        runs (int): Timed calls. Defaults to 10.

    Returns:
        list[dict]: One row per engine and thread count: ``engine``,
        ``threads``, ``median_ms``, ``min_ms``.
    """
    rows, before = [], torch.get_num_threads()
    feed = {'image': image.numpy()}
    try:
        for count in threads:
            torch.set_num_threads(count)
            with torch.no_grad():
                eager = _milliseconds(lambda: graph(image), warmup, runs)
            run = onnx_session(onnx_path, count).run
            onnx = _milliseconds(lambda: run(None, feed), warmup, runs)  # noqa: B023
            rows += [_row('PyTorch eager', count, eager),
                     _row('ONNX Runtime', count, onnx)]
    finally:
        torch.set_num_threads(before)
    return rows


def _row(engine: str, threads: int, times: list[float]) -> dict:
    return dict(engine=engine, threads=threads,
                median_ms=statistics.median(times), min_ms=min(times))


def format_table(rows: list[dict]) -> str:
    """A Markdown table of :func:`latency` rows."""
    lines = ['| engine | threads | median (ms) | min (ms) |',
             '|---|---:|---:|---:|']
    lines += [f'| {r["engine"]} | {r["threads"]} | {r["median_ms"]:.1f} | '
              f'{r["min_ms"]:.1f} |' for r in rows]
    return '\n'.join(lines)
