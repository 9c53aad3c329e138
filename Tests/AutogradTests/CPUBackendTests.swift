import Autograd
import Testing

/// CPUBackend against ReferenceBackend, the definition: every overridden kernel on seeded random
/// inputs, in float32 and float64, through the layouts that have fast paths and the ones that
/// fall back. `CPUCheck` holds the shared helpers; the suites are in CPUBackend*Tests.swift.
enum CPUCheck {
    static let reference = ReferenceBackend()
    /// One thread, and four threads with the multi-threaded paths reachable (sizes permitting);
    /// each with the widest vector kernels the CPU runs (AVX-512 or AVX2), with AVX-512 forced off,
    /// and with no vector kernels (the Swift loops). On a CPU without AVX-512 the first two pairs
    /// are both AVX2, without AVX2 all three are portable: every path the CPU has is tested.
    static let backends = [CPUBackend(threads: 1), CPUBackend(threads: 4),
                           CPUBackend(threads: 1, maxVectorWidth: .avx2), CPUBackend(threads: 4, maxVectorWidth: .avx2),
                           CPUBackend(threads: 1, vectorKernels: false), CPUBackend(threads: 4, vectorKernels: false)]
    static let dtypes: [DType] = [.float32, .float64]

    /// Values in [low, high), seeded; with `specials`, NaN, ±0 and ±inf are mixed in.
    static func values(_ n: Int, seed: UInt64, low: Double = -2, high: Double = 2, specials: Bool = false) -> [Double] {
        var generator = RandomGenerator(seed: seed)
        var out = (0..<n).map { _ in low + (high - low) * generator.nextDouble() }
        if specials && n > 0 {
            let extras: [Double] = [.nan, 0, -0.0, .infinity, -.infinity]
            for (k, v) in extras.enumerated() { out[(k * 7919 + 3) % n] = v }
        }
        return out
    }

    /// Whole numbers in 0..<range: plenty of ties for max and pooling.
    static func integers(_ n: Int, seed: UInt64, range: Int) -> [Double] {
        var generator = RandomGenerator(seed: seed)
        return (0..<n).map { _ in Double(generator.nextInt(below: range)) }
    }

    static func storage(_ values: [Double], _ dtype: DType, on backend: any Backend) -> Storage {
        backend.upload(values: values, as: dtype)
    }

    static func read(_ s: Storage) -> [Double] {
        s.values
    }

    static func typed<T>(_ s: Storage, _ type: T.Type) -> [T] {
        s.elements(type)
    }

    /// The same bits, except that every NaN counts as the same NaN.
    static func expectSame(_ got: Storage, _ want: Storage, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(got.count == want.count && got.dtype == want.dtype, "\(what): count or dtype differ", sourceLocation: sourceLocation)
        let a = read(got), b = read(want)
        guard a.count == b.count else { return }
        for i in 0..<a.count {
            let same = (a[i].isNaN && b[i].isNaN) || a[i].bitPattern == b[i].bitPattern
            if !same {
                Issue.record("\(what): element \(i) is \(a[i]), the reference gives \(b[i])", sourceLocation: sourceLocation)
                return
            }
        }
    }

    /// Equal within `relative` of the magnitude (at least `floor` absolute); NaN where the reference has NaN.
    static func expectClose(_ got: Storage, _ want: Storage, relative: Double, floor: Double = 1e-30, _ what: String,
                            sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(got.count == want.count && got.dtype == want.dtype, "\(what): count or dtype differ", sourceLocation: sourceLocation)
        let a = read(got), b = read(want)
        guard a.count == b.count else { return }
        for i in 0..<a.count {
            if a[i].isNaN || b[i].isNaN || a[i].isInfinite || b[i].isInfinite {
                if !(a[i].isNaN && b[i].isNaN) && a[i] != b[i] {
                    Issue.record("\(what): element \(i) is \(a[i]), the reference gives \(b[i])", sourceLocation: sourceLocation)
                    return
                }
                continue
            }
            if abs(a[i] - b[i]) > Swift.max(relative * Swift.max(abs(a[i]), abs(b[i])), floor) {
                Issue.record("\(what): element \(i) is \(a[i]), the reference gives \(b[i])", sourceLocation: sourceLocation)
                return
            }
        }
    }

    /// Relative tolerance for results that are sums: 1e-5 in float32, 1e-12 in float64.
    static func sumTolerance(_ dtype: DType) -> Double {
        dtype == .float32 ? 1e-5 : 1e-12
    }
}

@Suite("CPUBackend memory and dtype kernels")
struct CPUBackendMemoryTests {
    @Test(arguments: [DType.float32, .float64, .int64])
    func fillMatchesReference(dtype: DType) {
        for value in [0.0, -0.0, 3.5, -7.0] {
            for n in [0, 1, 17, 1000] {
                let fast = Backends.cpu.allocate(count: n, dtype: dtype)
                let slow = CPUCheck.reference.allocate(count: n, dtype: dtype)
                Backends.cpu.fill(fast, with: value)
                CPUCheck.reference.fill(slow, with: value)
                CPUCheck.expectSame(fast, slow, "fill \(value) \(dtype) n=\(n)")
            }
        }
    }

    @Test(arguments: [DType.float32, .float64, .int64], [DType.float32, .float64, .int64])
    func castMatchesReference(from: DType, to: DType) {
        let raw = CPUCheck.values(513, seed: 11, low: -300, high: 300)
        let fast = Backends.cpu.cast(CPUCheck.storage(raw, from, on: Backends.cpu), to: to)
        let slow = CPUCheck.reference.cast(CPUCheck.storage(raw, from, on: CPUCheck.reference), to: to)
        CPUCheck.expectSame(fast, slow, "cast \(from) → \(to)")
    }

    @Test(arguments: CPUCheck.dtypes)
    func copyIsExact(dtype: DType) {
        let raw = CPUCheck.values(1001, seed: 12, specials: true)
        let source = CPUCheck.storage(raw, dtype, on: Backends.cpu)
        let copied = Backends.cpu.copy(source)
        #expect(copied.pointer != source.pointer)
        CPUCheck.expectSame(copied, source, "copy")
        let target = Backends.cpu.allocate(count: raw.count, dtype: dtype)
        Backends.cpu.copy(source, into: target)
        CPUCheck.expectSame(target, source, "copy(into:)")
    }

    @Test(arguments: CPUCheck.dtypes)
    func sumOfSquaresMatchesReference(dtype: DType) {
        for n in [0, 1, 7, 8, 9, 1000, 100_003] {
            let raw = CPUCheck.values(n, seed: UInt64(n) + 13)
            let fast = Backends.cpu.sumOfSquares(CPUCheck.storage(raw, dtype, on: Backends.cpu))
            let slow = CPUCheck.reference.sumOfSquares(CPUCheck.storage(raw, dtype, on: CPUCheck.reference))
            #expect(abs(fast - slow) <= 1e-12 * Swift.max(1, abs(slow)), "sumOfSquares n=\(n): \(fast) vs \(slow)")
        }
        let withNaN = Backends.cpu.sumOfSquares(CPUCheck.storage([1, .nan, 2], dtype, on: Backends.cpu))
        #expect(withNaN.isNaN)
    }
}
