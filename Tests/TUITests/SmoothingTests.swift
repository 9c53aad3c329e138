import Testing
import Trainer
import TUI

@Suite struct SmoothingTests {
    @Test func aPlainTrailingMean() {
        let m = Smoothing.movingAverage([1, 2, 3, 4, 5, 6], window: 3)
        #expect(m == [1, 1.5, 2, 3, 4, 5])
    }

    @Test func noBiasTowardTheFirstValues() {
        // A constant loss is its own mean from the very first step: an exponential average
        // started at zero would read low, one started at the first value would lag a step change.
        #expect(Smoothing.movingAverage(Array(repeating: 2.3, count: 50), window: 10).allSatisfy { abs($0 - 2.3) < 1e-12 })
        let step = Array(repeating: 10.0, count: 5) + Array(repeating: 0.0, count: 5)
        let m = Smoothing.movingAverage(step, window: 5)
        #expect(m[9] == 0)
        #expect(m[4] == 10)
    }

    @Test func nonFiniteLossesAreLeftOut() {
        let m = Smoothing.movingAverage([1, .nan, 3, .infinity], window: 2)
        #expect(m[0] == 1)
        #expect(m[1] == 1)
        #expect(m[2] == 3)
        #expect(m[3] == 3)
        #expect(Smoothing.movingAverage([.nan], window: 4)[0].isNaN)
        #expect(Smoothing.movingAverage([], window: 4).isEmpty)
    }

    @Test func longHistoriesStayExact() {
        let values = (0..<20000).map { Double($0 % 7) * 0.1 + 1e6 }
        let m = Smoothing.movingAverage(values, window: 7)
        #expect(abs(m[19999] - (1e6 + 0.3)) < 1e-6)
    }

    @Test func windowFollowsTheVisibleSpan() {
        #expect(Smoothing.window(forVisible: 0) == 1)
        #expect(Smoothing.window(forVisible: 100) == 5)
        #expect(Smoothing.window(forVisible: 1_000_000) == 500)
    }

    @Test func sampledMeansMatchTheFullAverage() {
        let values = (0..<300).map { i in i % 17 == 0 ? Double.nan : Double((i * 31) % 23) }
        let full = Smoothing.movingAverage(values, window: 9)
        for i in values.indices {
            let m = Smoothing.mean(values, endingAt: i, window: 9)
            #expect(m.isNaN ? full[i].isNaN : abs(m - full[i]) < 1e-9, "\(i)")
        }
        #expect(Smoothing.mean(values, endingAt: 300, window: 9).isNaN)
        #expect(Smoothing.mean([], endingAt: 0, window: 9).isNaN)
    }
}
