// The smoothed loss is a plain trailing moving average: the mean of the last `window` losses,
// and at the very start the mean of the losses there are. An exponential average started from
// zero (or from the first loss) would lean toward the first values for a long time; a plain
// mean of what exists has no such bias. Non-finite losses are left out of every mean.

public enum Smoothing {
    /// The window the chart uses for `count` visible points: about 1/20 of them, at least 1.
    public static func window(forVisible count: Int) -> Int {
        max(1, min(500, count / 20))
    }

    /// The trailing mean at each index of `values` over `window` values.
    public static func movingAverage(_ values: [Double], window: Int) -> [Double] {
        let w = max(1, window)
        var result: [Double] = []
        result.reserveCapacity(values.count)
        // Running sums over finite values only; recomputing every 4096 steps keeps rounding
        // error from creeping into a long history.
        var sum = 0.0
        var finite = 0
        for i in values.indices {
            if values[i].isFinite {
                sum += values[i]
                finite += 1
            }
            if i >= w, values[i - w].isFinite {
                sum -= values[i - w]
                finite -= 1
            }
            if i % 4096 == 4095 {
                let lo = max(0, i - w + 1)
                let window = values[lo...i].filter(\.isFinite)
                sum = window.reduce(0, +)
                finite = window.count
            }
            result.append(finite > 0 ? sum / Double(finite) : .nan)
        }
        return result
    }

    /// The trailing mean of the finite values among `values[end - window + 1 ... end]`: one
    /// point of `movingAverage`, for charts that sample a long history at a few columns.
    public static func mean(_ values: [Double], endingAt end: Int, window: Int) -> Double {
        guard end >= 0, end < values.count else { return .nan }
        var sum = 0.0
        var finite = 0
        for i in max(0, end - max(1, window) + 1)...end where values[i].isFinite {
            sum += values[i]
            finite += 1
        }
        return finite > 0 ? sum / Double(finite) : .nan
    }
}
