"""What the benchmark scripts share: the median of several timed runs.

`median_time` is wall time. `median_cpu_time` is the time this process spent on
the CPU: on a shared machine whose CPU quota is throttled (this project's is),
wall time punishes whatever runs longer than a slice of the quota, so that a
task ten times the size can take fifty times as long; CPU time stays linear."""

import statistics
import time


def median_time(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def median_cpu_time(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.process_time()
        fn()
        times.append(time.process_time() - start)
    return statistics.median(times)
