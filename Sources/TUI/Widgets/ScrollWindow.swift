/// Which rows of a list are visible: the whole list when it fits, else a window that keeps
/// the selected row near the middle. Derived from the selection alone, so there is no scroll
/// offset to keep in step with the data.
struct ScrollWindow {
    var range: Range<Int>

    init(count: Int, visible: Int, selected: Int?) {
        let v = max(0, visible)
        guard count > v else {
            range = 0..<max(0, count)
            return
        }
        let target = selected.map { min(max(0, $0), count - 1) } ?? 0
        let start = min(max(0, target - v / 2), count - v)
        range = start..<(start + v)
    }
}
