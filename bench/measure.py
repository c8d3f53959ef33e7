"""Timing helpers: percentiles over repeated runs, printed as a table."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Timing:
    name: str
    runs: int
    p50_ms: float
    p95_ms: float
    mean_ms: float

    def line(self, target: str = "") -> str:
        return (f"{self.name:<58} p50 {self.p50_ms:8.2f} ms  p95 {self.p95_ms:8.2f} ms"
                f"  ({self.runs} runs){'  target ' + target if target else ''}")


def time_runs(name: str, runs: int, action: Callable[[int], object],
              warmup: int = 5) -> Timing:
    """Run ``action(i)`` ``runs`` times (after a warm-up) and keep each duration."""
    for i in range(warmup):
        action(i)
    durations = []
    for i in range(runs):
        start = time.perf_counter()
        action(i)
        durations.append((time.perf_counter() - start) * 1000)
    durations.sort()
    p95 = durations[min(len(durations) - 1, int(round(0.95 * len(durations))) - 1)]
    return Timing(name, runs, statistics.median(durations), p95, statistics.fmean(durations))
