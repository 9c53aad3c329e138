/// The test accuracies of a long run in bounded memory, like the loss history: a run evaluates
/// at every epoch's end and every `--eval-every` steps, so a day in the UI makes tens of thousands
/// of points. Once `limit` are kept, the older half is thinned to every other point; the recent
/// half stays as measured, and the chart, a few hundred columns wide, draws the same line.
extension Array where Element == AccuracyPoint {
    public static let accuracyLimit = 4096

    /// Appends `point`, thinning the older half first when `limit` points are already kept.
    public mutating func appendBounded(_ point: AccuracyPoint, limit: Int = accuracyLimit) {
        if count >= Swift.max(4, limit) {
            let half = count / 2
            var thinned: [AccuracyPoint] = []
            thinned.reserveCapacity(Swift.max(4, limit))
            for i in Swift.stride(from: 0, to: half, by: 2) { thinned.append(self[i]) }
            thinned.append(contentsOf: self[half...])
            self = thinned
        }
        append(point)
    }
}
