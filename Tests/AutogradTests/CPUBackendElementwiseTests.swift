import Autograd
import Testing

/// Elementwise kernels, expand and sum against the reference, through every layout that has a
/// fast path (same shape, scalar, row, column) and the general broadcast loop.
@Suite("CPUBackend elementwise kernels")
struct CPUBackendElementwiseTests {
    static let unaryOps: [UnaryOp] = [.neg, .exp, .log, .sqrt, .relu, .sigmoid, .tanh,
                                      .pow(2), .pow(1), .pow(3), .pow(-0.5), .pow(0), .scale(-1.5), .addScalar(0.25)]
    static let binaryOps: [BinaryOp] = [.add, .sub, .mul, .div, .reluBackward, .sigmoidBackward, .tanhBackward]

    /// (a, b) shape pairs: same, scalar either side, rows, columns, and general broadcasts.
    static let shapePairs: [([Int], [Int])] = [
        ([], []), ([7], [7]), ([3, 5], [3, 5]),
        ([4, 7], []), ([4, 7], [1]), ([], [4, 7]), ([1, 1], [2, 3]),
        ([6, 9], [9]), ([2, 3, 4], [3, 4]), ([2, 3, 4], [1, 1, 4]), ([9], [6, 9]), ([1, 3, 4], [2, 3, 4]),
        ([6, 9], [6, 1]), ([2, 3, 4], [2, 3, 1]), ([2, 3, 4], [2, 1, 1]), ([6, 1], [6, 9]),
        ([2, 3, 4], [2, 1, 4]), ([3, 1], [1, 4]), ([2, 1, 4, 1], [3, 1, 5]), ([5, 1, 3], [1, 4, 1]), ([0, 3], [3]),
    ]

    @Test(arguments: CPUCheck.dtypes, CPUCheck.backends)
    func unaryMatchesReference(dtype: DType, backend: CPUBackend) {
        for op in Self.unaryOps {
            for n in [0, 1, 5, 1000, 140_000] {
                let raw = CPUCheck.values(n, seed: UInt64(n) + 1, specials: true)
                let fast = backend.unary(op, CPUCheck.storage(raw, dtype, on: backend))
                let slow = CPUCheck.reference.unary(op, CPUCheck.storage(raw, dtype, on: CPUCheck.reference))
                if case .pow(2) = op {
                    // x·x is correctly rounded; libm's pow(x, 2) may be one ulp off. PyTorch uses x·x too.
                    CPUCheck.expectClose(fast, slow, relative: dtype == .float32 ? 2e-7 : 4e-16, "\(op) \(dtype) n=\(n)")
                } else {
                    CPUCheck.expectSame(fast, slow, "\(op) \(dtype) n=\(n)")
                }
            }
        }
    }

    @Test(arguments: CPUCheck.dtypes)
    func reluPropagatesNaN(dtype: DType) {
        let out = Backends.cpu.unary(.relu, CPUCheck.storage([.nan, -1, 0, -0.0, 2], dtype, on: Backends.cpu))
        let values = CPUCheck.read(out)
        #expect(values[0].isNaN)
        #expect(values[1] == 0 && values[2] == 0 && values[4] == 2)
        #expect(values[3] == 0 && values[3].sign == .plus, "relu(-0) is +0, as in the reference")
    }

    @Test(arguments: CPUCheck.dtypes, CPUCheck.backends)
    func binaryMatchesReference(dtype: DType, backend: CPUBackend) {
        for op in Self.binaryOps {
            for (k, pair) in Self.shapePairs.enumerated() {
                let (aShape, bShape) = pair
                let outShape = Shape.broadcast(aShape, bShape)!
                let a = CPUCheck.values(Shape.count(aShape), seed: UInt64(k) + 100, specials: true)
                let b = CPUCheck.values(Shape.count(bShape), seed: UInt64(k) + 200, specials: k % 2 == 0)
                let fast = backend.binary(op, CPUCheck.storage(a, dtype, on: backend), aShape,
                                          CPUCheck.storage(b, dtype, on: backend), bShape, outShape: outShape)
                let slow = CPUCheck.reference.binary(op, CPUCheck.storage(a, dtype, on: CPUCheck.reference), aShape,
                                                     CPUCheck.storage(b, dtype, on: CPUCheck.reference), bShape, outShape: outShape)
                CPUCheck.expectSame(fast, slow, "\(op) \(aShape) \(bShape) \(dtype)")
            }
        }
    }

    /// Sizes over the threading threshold, so the four-thread backend splits the loops.
    @Test(arguments: [([300_000], [300_000]), ([600, 500], [500]), ([500, 600], [500, 1]), ([300_000], [])])
    func largeBinaryMatchesReference(aShape: [Int], bShape: [Int]) {
        let outShape = Shape.broadcast(aShape, bShape)!
        let a = CPUCheck.values(Shape.count(aShape), seed: 5)
        let b = CPUCheck.values(Shape.count(bShape), seed: 6)
        let slow = CPUCheck.reference.binary(.mul, CPUCheck.storage(a, .float32, on: CPUCheck.reference), aShape,
                                             CPUCheck.storage(b, .float32, on: CPUCheck.reference), bShape, outShape: outShape)
        for backend in CPUCheck.backends {
            let fast = backend.binary(.mul, CPUCheck.storage(a, .float32, on: backend), aShape,
                                      CPUCheck.storage(b, .float32, on: backend), bShape, outShape: outShape)
            CPUCheck.expectSame(fast, slow, "mul \(aShape) \(bShape) threads=\(backend.numThreads)")
        }
    }

    @Test(arguments: [DType.float32, .float64, .int64], CPUCheck.backends)
    func expandMatchesReference(dtype: DType, backend: CPUBackend) {
        let cases: [([Int], [Int])] = [
            ([], [2, 2]), ([1], [5, 3]), ([3], [4, 3]), ([4, 1], [4, 6]), ([2, 1, 3], [2, 5, 3]),
            ([3, 1], [2, 3, 4]), ([1, 4, 1], [3, 4, 2]), ([2, 3], [2, 3]), ([6, 1], [6, 0]), ([700, 1], [700, 300]),
        ]
        for (k, (shape, outShape)) in cases.enumerated() {
            let raw = CPUCheck.values(Shape.count(shape), seed: UInt64(k) + 30, low: -50, high: 50)
            let fast = backend.expand(CPUCheck.storage(raw, dtype, on: backend), shape: shape, to: outShape)
            let slow = CPUCheck.reference.expand(CPUCheck.storage(raw, dtype, on: CPUCheck.reference), shape: shape, to: outShape)
            CPUCheck.expectSame(fast, slow, "expand \(shape) → \(outShape) \(dtype)")
        }
    }

    @Test(arguments: [DType.float32, .float64, .int64], CPUCheck.backends)
    func sumMatchesReference(dtype: DType, backend: CPUBackend) {
        let cases: [([Int], [Int])] = [
            ([], []), ([5], [0]), ([5, 7], [0]), ([5, 7], [1]), ([5, 7], [0, 1]), ([5, 7], []),
            ([2, 3, 4], [1]), ([2, 3, 4], [0, 2]), ([2, 3, 4], [0, 1]), ([2, 3, 4], [1, 2]), ([2, 3, 4], [2, 0]),
            ([3, 1, 4], [1]), ([3, 1, 4], [0, 1]), ([2, 3, 4, 5], [0, 2]), ([2, 3, 4, 5], [1, 3]), ([0, 3], [0]), ([3, 0], [1]),
            ([1000], [0]), ([300, 1000], [0]), ([300, 1000], [1]), ([4, 300, 200], [1]),
            // Bias gradients (a batch summed into one row): under, at and past a 64-column block.
            ([32, 10], [0]), ([32, 128], [0]), ([7, 64], [0]), ([9, 131], [0]), ([3, 9, 70], [1]),
        ]
        for (k, (shape, dims)) in cases.enumerated() {
            let raw = dtype == .int64
                ? CPUCheck.integers(Shape.count(shape), seed: UInt64(k), range: 1000)
                : CPUCheck.values(Shape.count(shape), seed: UInt64(k) + 40, low: 0.5, high: 2)
            let fast = backend.sum(CPUCheck.storage(raw, dtype, on: backend), shape: shape, dims: dims)
            let slow = CPUCheck.reference.sum(CPUCheck.storage(raw, dtype, on: CPUCheck.reference), shape: shape, dims: dims)
            CPUCheck.expectClose(fast, slow, relative: CPUCheck.sumTolerance(dtype), "sum \(shape) over \(dims) \(dtype)")
        }
    }

    @Test(arguments: CPUCheck.dtypes)
    func sumPropagatesNaN(dtype: DType) {
        let raw: [Double] = [1, 2, .nan, 4, 5, 6, 7, 8, 9, 10, 11, 12]
        for dims in [[0], [1], [0, 1]] {
            let fast = Backends.cpu.sum(CPUCheck.storage(raw, dtype, on: Backends.cpu), shape: [3, 4], dims: dims)
            let slow = CPUCheck.reference.sum(CPUCheck.storage(raw, dtype, on: CPUCheck.reference), shape: [3, 4], dims: dims)
            CPUCheck.expectClose(fast, slow, relative: CPUCheck.sumTolerance(dtype), "sum with NaN over \(dims)")
        }
    }
}
