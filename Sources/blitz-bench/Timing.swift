#if canImport(Glibc)
import Glibc
#endif

/// Wall-clock timing for the workloads: warm up, then time many repetitions one by one and
/// report the median, which shrugs off the odd descheduling on a shared machine.

/// Which clock the timings read: wall time (the default), or the CPU time of the whole
/// process (`--cpu-time`), which a busy shared machine disturbs less; with one thread the two
/// agree on an idle machine. nonisolated(unsafe): written only by main.swift's argument loop,
/// on the main thread, before any workload starts; only read after that.
nonisolated(unsafe) var timingClock = CLOCK_MONOTONIC

/// The chosen clock in nanoseconds.
@inline(__always)
func nanoseconds() -> UInt64 {
    var ts = timespec()
    clock_gettime(timingClock, &ts)
    return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
}

/// How long to spend on one workload: at least `minReps` timed repetitions, more while the
/// time budget lasts, never more than `maxReps`.
struct Budget {
    var warmup: Int
    var minReps: Int
    var maxReps: Int
    var seconds: Double
}

/// `--reps N`: exactly N timed repetitions after the warm-up, so that a profiler (perf stat)
/// sees the same work on every run. nonisolated(unsafe): like `timingClock`, written only while
/// the arguments are read, before any workload starts; only read after that.
nonisolated(unsafe) var fixedRepetitions: Int?

/// Runs `body` `budget.warmup` times untimed, then times each further run; returns the median in µs.
func medianMicroseconds(_ budget: Budget, _ body: () -> Void) -> Double {
    var budget = budget
    if let n = fixedRepetitions {
        budget.minReps = n
        budget.maxReps = n
    }
    for _ in 0..<budget.warmup { body() }
    var samples: [Double] = []
    samples.reserveCapacity(budget.maxReps)
    let deadline = nanoseconds() + UInt64(budget.seconds * 1e9)
    while samples.count < budget.maxReps && (samples.count < budget.minReps || nanoseconds() < deadline) {
        let start = nanoseconds()
        body()
        samples.append(Double(nanoseconds() - start) / 1000)
    }
    return median(samples)
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    let mid = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}
