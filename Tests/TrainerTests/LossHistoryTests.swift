import Testing
@testable import Trainer

/// The loss history keeps recent steps exactly and summarises older ones in a bounded number
/// of buckets, so memory stays flat however long a run goes.
@Suite struct LossHistoryTests {
    static func noisy(_ i: Int) -> Double {
        0.5 + 2 / (1 + Double(i) / 500) + Double((i * 7919) % 101) / 400
    }

    @Test func staysBoundedAndKeepsRecentStepsExact() {
        var h = LossHistory(exactSteps: 64, chunkSize: 16, maxBuckets: 8)
        for i in 0..<10_000 { h.append(Self.noisy(i)) }
        #expect(h.count == 10_000)
        #expect(h.bucketCount <= 8)
        #expect(h.exactRange.count >= 64 && h.exactRange.count <= 64 + 16)
        #expect(h.exactRange.upperBound == 10_000)
        for i in h.exactRange { #expect(h[i] == Self.noisy(i)) }
        #expect(h.last == Self.noisy(9_999))
    }

    @Test func summariesOverEverythingAreExact() {
        var h = LossHistory(exactSteps: 32, chunkSize: 8, maxBuckets: 4)
        var values: [Double] = []
        for i in 0..<5_000 {
            let v = i == 1234 ? Double.nan : (i == 77 ? 0 : Self.noisy(i))
            values.append(v)
            h.append(v)
        }
        let s = h.summary(0..<h.count)
        let finite = values.filter(\.isFinite)
        #expect(s.count == 5_000)
        #expect(s.finiteCount == Double(finite.count))
        #expect(s.min == 0)
        #expect(s.max == finite.max()!)
        #expect(s.minPositive == finite.filter { $0 > 0 }.min()!)
        #expect(abs(s.mean - finite.reduce(0, +) / Double(finite.count)) < 1e-9)
    }

    @Test func aShortHistoryIsAllExact() {
        let h = LossHistory([3, 2, 1])
        #expect(h.recent == [3, 2, 1])
        #expect(h.exactRange == 0..<3)
        #expect(h.bucketCount == 0)
        #expect(h.mean(endingAt: 2, window: 2) == 1.5)
        #expect(h.values(1..<3) == [2, 1])
    }

    @Test func pointsOfSummarisedStepsAreTheirBucketMeans() {
        var h = LossHistory(exactSteps: 4, chunkSize: 4, maxBuckets: 64)
        for v in [1.0, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21] { h.append(v) }
        #expect(h.exactStart == 4)
        #expect(h.bucketSize == 1)
        #expect(h.point(0) == 1)
        #expect(h.point(4) == 9)
        var merged = LossHistory(exactSteps: 4, chunkSize: 4, maxBuckets: 2)
        for v in [1.0, 3, 5, 7, 9, 11, 13, 15] { merged.append(v) }
        // Four summarised steps in two buckets of two.
        #expect(merged.bucketSize == 2)
        #expect(merged.point(0) == 2)
        #expect(merged.point(3) == 6)
    }
}

@Suite struct AccuracyBoundTests {
    @Test func accuraciesStayBoundedWithTheRecentHalfExact() {
        var points: [AccuracyPoint] = []
        for step in 1...10_000 { points.appendBounded(AccuracyPoint(step: step, epoch: 1, accuracy: Double(step) / 10_000), limit: 64) }
        #expect(points.count <= 64)
        #expect(points.last?.step == 10_000)
        #expect(points.first?.step == 1)
        // In step order, and the latest ones all there.
        #expect(zip(points, points.dropFirst()).allSatisfy { $0.step < $1.step })
        #expect(points.suffix(20).map(\.step) == Array(9_981...10_000))
    }
}
