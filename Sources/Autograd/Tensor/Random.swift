#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// A small, fast, seedable generator (xoshiro256**, seeded through splitmix64). Every random
/// tensor, shuffle and dropout mask comes from one, so a seed reproduces a run bit for bit.
public struct RandomGenerator: Sendable {
    private var s0, s1, s2, s3: UInt64

    public init(seed: UInt64) {
        var x = seed
        func splitmix() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = splitmix(); s1 = splitmix(); s2 = splitmix(); s3 = splitmix()
    }

    @inline(__always)
    public mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = s3 << 45 | s3 >> 19
        return result
    }

    /// Uniform in [0, 1) with 53 random bits.
    @inline(__always)
    public mutating func nextDouble() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// Standard normal (Box–Muller).
    public mutating func nextNormal() -> Double {
        var u1 = nextDouble()
        while u1 <= 0 { u1 = nextDouble() }
        let u2 = nextDouble()
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }

    /// Uniform integer in 0..<bound.
    public mutating func nextInt(below bound: Int) -> Int {
        ensure(bound > 0)
        return Int(next() % UInt64(bound))
    }

    /// Fisher–Yates shuffle of 0..<n.
    public mutating func permutation(_ n: Int) -> [Int] {
        var p = Array(0..<n)
        if n > 1 {
            for i in stride(from: n - 1, to: 0, by: -1) {
                p.swapAt(i, nextInt(below: i + 1))
            }
        }
        return p
    }
}

/// The process-wide default generator, like torch's default generator; `manualSeed` resets it.
public enum DefaultGenerator {
    static let shared = Mutex(RandomGenerator(seed: 0))

    /// `torch.manual_seed(seed)`.
    public static func manualSeed(_ seed: UInt64) {
        shared.withLock { $0 = RandomGenerator(seed: seed) }
    }

    /// Takes the next value of the default generator's stream.
    static func withGenerator<R>(_ body: (inout RandomGenerator) -> R) -> R {
        shared.withLock { body(&$0) }
    }
}
