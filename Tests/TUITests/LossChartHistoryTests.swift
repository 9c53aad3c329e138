import Testing
@testable import TUI
import Trainer

/// A long run's chart drawn from the summarised history looks as it does from every value.
@Suite struct LossChartHistoryTests {
    @Test(arguments: [LossScale.linear, .log])
    func summarisedHistoryDrawsTheSameChart(scale: LossScale) {
        var exact = LossHistory(exactSteps: 400_000)
        var bounded = LossHistory()
        for i in 0..<300_000 {
            let v = 0.3 + 2 / (1 + Double(i) / 3000) + Double((i * 7919) % 101) / 300
            exact.append(v)
            bounded.append(v)
        }
        #expect(exact.bucketCount == 0)
        #expect(bounded.bucketCount > 0 && bounded.bucketCount <= 4096)
        for window in [nil, 1000] as [Int?] {
            let a = rendered(width: 100, height: 20) {
                LossChart(losses: exact, accuracies: [], scale: scale, window: window).render(in: $0, buffer: &$1, theme: mono)
            }
            let b = rendered(width: 100, height: 20) {
                LossChart(losses: bounded, accuracies: [], scale: scale, window: window).render(in: $0, buffer: &$1, theme: mono)
            }
            #expect(a.count == b.count)
            var differing = 0
            for (x, y) in zip(a, b) {
                differing += zip(x, y).filter { $0 != $1 }.count + abs(x.count - y.count)
            }
            // The same picture: a handful of braille cells may differ where a column's edge cuts a bucket.
            #expect(differing <= 20, "window \(String(describing: window)): \(differing) cells differ\n\(a.joined(separator: "\n"))\n\(b.joined(separator: "\n"))")
        }
    }
}
