/// A rectangle of cells. Sizes are never negative: every operation clamps, so a layout computed
/// for a 1×1 or 0×0 terminal is simply empty instead of a crash.
public struct Rect: Sendable, Equatable {
    public var x: Int
    public var y: Int
    public var width: Int
    public var height: Int

    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = max(0, width)
        self.height = max(0, height)
    }

    public static let zero = Rect(x: 0, y: 0, width: 0, height: 0)

    public var isEmpty: Bool { width == 0 || height == 0 }
    public var maxX: Int { x + width }
    public var maxY: Int { y + height }

    /// The rectangle shrunk by `n` cells on every side.
    public func inset(_ n: Int) -> Rect {
        Rect(x: x + n, y: y + n, width: width - 2 * n, height: height - 2 * n)
    }

    public func intersection(_ other: Rect) -> Rect {
        let left = max(x, other.x)
        let top = max(y, other.y)
        let right = min(maxX, other.maxX)
        let bottom = min(maxY, other.maxY)
        return Rect(x: left, y: top, width: right - left, height: bottom - top)
    }

    public func contains(x px: Int, y py: Int) -> Bool {
        px >= x && px < maxX && py >= y && py < maxY
    }

    /// Row `i` of the rectangle as a one-line rectangle (empty when out of range).
    public func row(_ i: Int) -> Rect {
        guard i >= 0, i < height else { return Rect(x: x, y: y, width: 0, height: 0) }
        return Rect(x: x, y: y + i, width: width, height: 1)
    }

    /// Splits into a top part of `top` rows (clamped) and the rest.
    public func splitTop(_ top: Int) -> (Rect, Rect) {
        let t = min(max(0, top), height)
        return (Rect(x: x, y: y, width: width, height: t), Rect(x: x, y: y + t, width: width, height: height - t))
    }

    /// Splits into a left part of `left` columns (clamped) and the rest.
    public func splitLeft(_ left: Int) -> (Rect, Rect) {
        let l = min(max(0, left), width)
        return (Rect(x: x, y: y, width: l, height: height), Rect(x: x + l, y: y, width: width - l, height: height))
    }
}
