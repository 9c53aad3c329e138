import Testing
import Trainer

/// StepTimes keeps only the steps that measure a full batch inside an epoch.
@Suite("Step times")
struct StepTimesTests {
    /// Epochs of four steps, ending at `ends` milliseconds: in-epoch steps take 10 ms, an epoch's
    /// first 50 ms (evaluation, shuffle), its last, a partial batch, 2 ms.
    static func run(epochs: Int, warmUp: Int) -> StepTimes {
        var times = StepTimes(warmUp: warmUp)
        var clock: UInt64 = 0
        var step = 0
        for epoch in 1...epochs {
            for position in 1...4 {
                step += 1
                clock += position == 1 ? 50_000_000 : position == 4 ? 2_000_000 : 10_000_000
                times.record(step: step, epoch: epoch, nanoseconds: clock)
            }
        }
        return times
    }

    @Test("an epoch's first and last steps are left out; the rest are kept in order")
    func inEpochOnly() {
        let times = Self.run(epochs: 3, warmUp: 0)
        #expect(times.milliseconds == [10, 10, 10, 10, 10, 10])
        #expect(times.median == 10)
    }

    @Test("warm-up steps are left out, and the median of nothing is nil")
    func warmUp() {
        #expect(Self.run(epochs: 3, warmUp: 6).milliseconds == [10, 10, 10])
        #expect(Self.run(epochs: 1, warmUp: 4).median == nil)
    }

    @Test("a skipped step number breaks the chain: no time spans two steps")
    func gaps() {
        var times = StepTimes(warmUp: 0)
        times.record(step: 1, epoch: 1, nanoseconds: 0)
        times.record(step: 2, epoch: 1, nanoseconds: 4_000_000)
        times.record(step: 4, epoch: 1, nanoseconds: 20_000_000)
        times.record(step: 5, epoch: 1, nanoseconds: 26_000_000)
        times.record(step: 6, epoch: 1, nanoseconds: 30_000_000)
        #expect(times.milliseconds == [4, 6])
        #expect(times.median == 5)
    }
}
