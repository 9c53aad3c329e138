#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The ten shapes of the Shapes data set, each a test of whether a point belongs to it. Points
/// are in the shape's own frame: the centre is (0, 0), the bounding square is [−1, 1]², y grows
/// downwards as in an image.
enum ShapeKind: Int, CaseIterable {
    case circle, square, triangle, cross, ring, diamond, x, frame, star, crescent

    func contains(_ u: Float, _ v: Float) -> Bool {
        let r2 = u * u + v * v
        switch self {
        case .circle:
            return r2 <= 0.9
        case .square:
            return max(abs(u), abs(v)) <= 0.8
        case .triangle:
            // Apex at the top, base at v = 0.85.
            return v <= 0.85 && v >= -0.9 && abs(u) <= (v + 0.9) * 0.55
        case .cross:
            return (abs(u) <= 0.28 && abs(v) <= 0.95) || (abs(v) <= 0.28 && abs(u) <= 0.95)
        case .ring:
            return r2 <= 1 && r2 >= 0.55 * 0.55
        case .diamond:
            return abs(u) + abs(v) <= 1
        case .x:
            let p = (u + v) * 0.7071
            let q = (u - v) * 0.7071
            return (abs(p) <= 0.22 && abs(q) <= 0.95) || (abs(q) <= 0.22 && abs(p) <= 0.95)
        case .frame:
            let m = max(abs(u), abs(v))
            return m <= 0.9 && m >= 0.55
        case .star:
            // Five points up: the boundary radius falls linearly from 1 at a tip to 0.42 between tips.
            let sector = 2 * Float.pi / 5
            var angle = atan2f(u, -v)
            if angle < 0 { angle += 2 * Float.pi }
            let offset = angle.truncatingRemainder(dividingBy: sector)
            let t = abs(offset - sector / 2) / (sector / 2)
            let boundary = 0.42 + 0.58 * t
            return r2 <= boundary * boundary
        case .crescent:
            let du = u - 0.45
            return r2 <= 1 && du * du + v * v >= 0.8 * 0.8
        }
    }
}
