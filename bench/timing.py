"""The timing loop the PyTorch and JAX references share, so both peers are measured one way."""
import statistics
import time

# Wall time by default; --cpu-time reads the process's CPU time, as blitz-bench --cpu-time does.
_clock_ns = time.perf_counter_ns


def use_cpu_time():
    """Time with the process's CPU time instead of wall time (the --cpu-time flag)."""
    global _clock_ns
    _clock_ns = time.process_time_ns


def median_us(body, warmup, min_reps, max_reps, seconds):
    """The median of `body`'s times in µs: at least min_reps runs, then more until `seconds` pass
    or max_reps runs, after `warmup` untimed ones."""
    for _ in range(warmup):
        body()
    samples = []
    deadline = time.perf_counter() + seconds
    while len(samples) < max_reps and (len(samples) < min_reps or time.perf_counter() < deadline):
        start = _clock_ns()
        body()
        samples.append((_clock_ns() - start) / 1000)
    return statistics.median(samples)
