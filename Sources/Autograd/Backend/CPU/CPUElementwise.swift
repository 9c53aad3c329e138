/// CPUBackend's elementwise kernels: one tight loop per op, so each vectorises on its own.
///
/// Each op is a small struct (`UnaryFunction`, `BinaryFunction`), and the loop helpers below are
/// generic over it, so every op gets loops specialised for it. (They used to take closures; a
/// loop split over threads then called the closure once per element, because the loop body
/// travels to the worker threads as a closure of its own and the compiler no longer sees which
/// function it calls: on two threads ReLU's forward and backward ran 3× slower than on one.)
/// Binary ops look for the layouts that training produces (both operands full, a scalar, a row
/// broadcast down the rows, a column broadcast across them) and fall back to a strided loop over
/// the broadcast shape for anything else.

protocol UnaryFunction {
    associatedtype Scalar
    func callAsFunction(_ x: Scalar) -> Scalar
}

protocol BinaryFunction {
    associatedtype Scalar
    func callAsFunction(_ a: Scalar, _ b: Scalar) -> Scalar
}

enum Elementwise<T: FloatElement> {
    struct Negate: UnaryFunction { func callAsFunction(_ x: T) -> T { -x } }
    // `v <= 0` is false for NaN, so NaN passes through; -0 becomes +0 as in the reference.
    struct Relu: UnaryFunction { func callAsFunction(_ x: T) -> T { x <= 0 ? 0 : x } }
    struct Scale: UnaryFunction { let s: T; func callAsFunction(_ x: T) -> T { x * s } }
    struct AddScalar: UnaryFunction { let s: T; func callAsFunction(_ x: T) -> T { x + s } }
    struct SquareRoot: UnaryFunction { func callAsFunction(_ x: T) -> T { x.squareRoot() } }
    struct Exp: UnaryFunction { func callAsFunction(_ x: T) -> T { T.exp(x) } }
    struct Log: UnaryFunction { func callAsFunction(_ x: T) -> T { T.log(x) } }
    struct Tanh: UnaryFunction { func callAsFunction(_ x: T) -> T { T.tanh(x) } }
    struct Sigmoid: UnaryFunction { func callAsFunction(_ x: T) -> T { 1 / (1 + T.exp(-x)) } }
    struct Square: UnaryFunction { func callAsFunction(_ x: T) -> T { x * x } }
    struct Identity: UnaryFunction { func callAsFunction(_ x: T) -> T { x } }
    struct Power: UnaryFunction { let p: T; func callAsFunction(_ x: T) -> T { T.pow(x, p) } }

    struct Add: BinaryFunction { func callAsFunction(_ a: T, _ b: T) -> T { a + b } }
    struct Subtract: BinaryFunction { func callAsFunction(_ a: T, _ b: T) -> T { a - b } }
    struct Multiply: BinaryFunction { func callAsFunction(_ a: T, _ b: T) -> T { a * b } }
    struct Divide: BinaryFunction { func callAsFunction(_ a: T, _ b: T) -> T { a / b } }
    /// grad where the output is positive (b is the forward's output).
    struct ReluBackward: BinaryFunction { func callAsFunction(_ a: T, _ b: T) -> T { b <= 0 ? 0 : a } }
    struct SigmoidBackward: BinaryFunction { func callAsFunction(_ a: T, _ b: T) -> T { a * b * (1 - b) } }
    struct TanhBackward: BinaryFunction { func callAsFunction(_ a: T, _ b: T) -> T { a * (1 - b * b) } }
}

func cpuMap<T, F: UnaryFunction>(_ x: UnsafePointer<T>, _ out: UnsafeMutablePointer<T>, _ n: Int, threads: Int, grain: Int,
                                 _ f: F) where F.Scalar == T {
    if n == 1 {
        out[0] = f(x[0])
        return
    }
    CPUParallel.forRanges(n, grain: grain, threads: threads) { range in
        for i in range { out[i] = f(x[i]) }
    }
}

func cpuUnary<T: FloatElement>(_ op: UnaryOp, _ x: UnsafePointer<T>, _ out: UnsafeMutablePointer<T>, _ n: Int, threads: Int) {
    typealias E = Elementwise<T>
    let cheap = CPUGrain.elementwise, costly = CPUGrain.transcendental
    switch op {
    case .neg: cpuMap(x, out, n, threads: threads, grain: cheap, E.Negate())
    case .relu: cpuMap(x, out, n, threads: threads, grain: cheap, E.Relu())
    case .scale(let s): cpuMap(x, out, n, threads: threads, grain: cheap, E.Scale(s: T(s)))
    case .addScalar(let s): cpuMap(x, out, n, threads: threads, grain: cheap, E.AddScalar(s: T(s)))
    case .sqrt: cpuMap(x, out, n, threads: threads, grain: cheap, E.SquareRoot())
    case .exp: cpuMap(x, out, n, threads: threads, grain: costly, E.Exp())
    case .log: cpuMap(x, out, n, threads: threads, grain: costly, E.Log())
    case .tanh: cpuMap(x, out, n, threads: threads, grain: costly, E.Tanh())
    case .sigmoid: cpuMap(x, out, n, threads: threads, grain: costly, E.Sigmoid())
    case .pow(let p) where p == 2: cpuMap(x, out, n, threads: threads, grain: cheap, E.Square())
    case .pow(let p) where p == 1: cpuMap(x, out, n, threads: threads, grain: cheap, E.Identity())
    case .pow(let p): cpuMap(x, out, n, threads: threads, grain: costly, E.Power(p: T(p)))
    }
}

/// The operand layouts with a loop of their own. Row: the operand repeats along leading
/// dimensions (a bias [n] over [m, n]); column: it repeats along trailing ones ([o, 1] over [o, k]).
enum BinaryLayout {
    case same
    case scalarB, scalarA
    case rowB(Int), rowA(Int)
    case columnB(Int), columnA(Int)
    case general

    /// Classifies `a op b` broadcast to `outShape` (element counts passed to skip work for small tensors).
    static func of(_ aShape: [Int], _ aCount: Int, _ bShape: [Int], _ bCount: Int, _ outShape: [Int], _ n: Int) -> BinaryLayout {
        let aFull = aCount == n, bFull = bCount == n
        if aFull && bFull { return .same }
        if aFull {
            if bCount == 1 { return .scalarB }
            if let inner = rowLength(bShape, outShape) { return .rowB(inner) }
            if let inner = columnLength(bShape, outShape) { return .columnB(inner) }
        } else if bFull {
            if aCount == 1 { return .scalarA }
            if let inner = rowLength(aShape, outShape) { return .rowA(inner) }
            if let inner = columnLength(aShape, outShape) { return .columnA(inner) }
        }
        return .general
    }

    /// When `shape` (right-aligned) is 1 in its leading dimensions and equals `outShape` after
    /// them, it is a row repeated down the rows: its element count.
    static func rowLength(_ shape: [Int], _ outShape: [Int]) -> Int? {
        let lead = outShape.count - shape.count
        var d = 0
        while d < shape.count && shape[d] == 1 { d += 1 }
        for i in d..<shape.count where shape[i] != outShape[i + lead] { return nil }
        return Shape.count(outShape.suffix(shape.count - d))
    }

    /// When `shape` equals `outShape` in its leading dimensions and is 1 after them, each of its
    /// elements repeats along a row of the output: how many times (the row length).
    static func columnLength(_ shape: [Int], _ outShape: [Int]) -> Int? {
        let lead = outShape.count - shape.count
        for i in 0..<lead where outShape[i] != 1 { return nil }
        var d = shape.count
        while d > 0 && shape[d - 1] == 1 { d -= 1 }
        for i in 0..<d where shape[i] != outShape[i + lead] { return nil }
        return Shape.count(outShape.suffix(shape.count - d))
    }
}

func cpuZip<T, F: BinaryFunction>(_ a: UnsafePointer<T>, _ aShape: [Int], _ b: UnsafePointer<T>, _ bShape: [Int],
                                  _ out: UnsafeMutablePointer<T>, _ outShape: [Int], _ layout: BinaryLayout, threads: Int,
                                  _ f: F) where F.Scalar == T {
    let n = Shape.count(outShape)
    if n == 0 { return }
    let grain = CPUGrain.elementwise
    switch layout {
    case .same:
        CPUParallel.forRanges(n, grain: grain, threads: threads) { r in for i in r { out[i] = f(a[i], b[i]) } }
    case .scalarB:
        let s = b[0]
        CPUParallel.forRanges(n, grain: grain, threads: threads) { r in for i in r { out[i] = f(a[i], s) } }
    case .scalarA:
        let s = a[0]
        CPUParallel.forRanges(n, grain: grain, threads: threads) { r in for i in r { out[i] = f(s, b[i]) } }
    case .rowB(let inner):
        CPUParallel.forRanges(n / inner, grain: Swift.max(1, grain / inner), threads: threads) { rows in
            for row in rows {
                let pa = a + row * inner, po = out + row * inner
                for j in 0..<inner { po[j] = f(pa[j], b[j]) }
            }
        }
    case .rowA(let inner):
        CPUParallel.forRanges(n / inner, grain: Swift.max(1, grain / inner), threads: threads) { rows in
            for row in rows {
                let pb = b + row * inner, po = out + row * inner
                for j in 0..<inner { po[j] = f(a[j], pb[j]) }
            }
        }
    case .columnB(let inner):
        CPUParallel.forRanges(n / inner, grain: Swift.max(1, grain / inner), threads: threads) { rows in
            for row in rows {
                let pa = a + row * inner, po = out + row * inner, s = b[row]
                for j in 0..<inner { po[j] = f(pa[j], s) }
            }
        }
    case .columnA(let inner):
        CPUParallel.forRanges(n / inner, grain: Swift.max(1, grain / inner), threads: threads) { rows in
            for row in rows {
                let pb = b + row * inner, po = out + row * inner, s = a[row]
                for j in 0..<inner { po[j] = f(s, pb[j]) }
            }
        }
    case .general:
        let walk = StridedWalk(outShape, BroadcastIndex(from: aShape, to: outShape).strides,
                               BroadcastIndex(from: bShape, to: outShape).strides)
        walk.run { offsetA, offsetB, offsetOut, count, strideA, strideB in
            let pa = a + offsetA, pb = b + offsetB, po = out + offsetOut
            for j in 0..<count { po[j] = f(pa[j * strideA], pb[j * strideB]) }
        }
    }
}

func cpuBinary<T: FloatElement>(_ op: BinaryOp, _ a: UnsafePointer<T>, _ aShape: [Int], _ b: UnsafePointer<T>, _ bShape: [Int],
                                _ out: UnsafeMutablePointer<T>, _ outShape: [Int], _ layout: BinaryLayout, threads: Int) {
    typealias E = Elementwise<T>
    switch op {
    case .add: cpuZip(a, aShape, b, bShape, out, outShape, layout, threads: threads, E.Add())
    case .sub: cpuZip(a, aShape, b, bShape, out, outShape, layout, threads: threads, E.Subtract())
    case .mul: cpuZip(a, aShape, b, bShape, out, outShape, layout, threads: threads, E.Multiply())
    case .div: cpuZip(a, aShape, b, bShape, out, outShape, layout, threads: threads, E.Divide())
    case .reluBackward: cpuZip(a, aShape, b, bShape, out, outShape, layout, threads: threads, E.ReluBackward())
    case .sigmoidBackward: cpuZip(a, aShape, b, bShape, out, outShape, layout, threads: threads, E.SigmoidBackward())
    case .tanhBackward: cpuZip(a, aShape, b, bShape, out, outShape, layout, threads: threads, E.TanhBackward())
    }
}

/// Walks a broadcast shape as runs along its last dimension, keeping an offset into two
/// strided operands and the contiguous output. Dimensions that stay contiguous for both
/// operands are merged first, so most shapes become one or two long runs.
struct StridedWalk {
    private(set) var shape: [Int] = []
    private(set) var stridesA: [Int] = []
    private(set) var stridesB: [Int] = []

    init(_ shape: [Int], _ stridesA: [Int], _ stridesB: [Int]) {
        for d in 0..<shape.count where shape[d] != 1 {
            if let last = self.shape.indices.last,
               stridesA[d] * shape[d] == self.stridesA[last], stridesB[d] * shape[d] == self.stridesB[last] {
                // The previous dimension steps over exactly this one in both operands: merge them.
                self.shape[last] *= shape[d]
                self.stridesA[last] = stridesA[d]
                self.stridesB[last] = stridesB[d]
            } else {
                self.shape.append(shape[d])
                self.stridesA.append(stridesA[d])
                self.stridesB.append(stridesB[d])
            }
        }
    }

    /// Calls `run(offsetA, offsetB, offsetOut, count, strideA, strideB)` once per run.
    @inline(__always)
    func run(_ body: (Int, Int, Int, Int, Int, Int) -> Void) {
        let rank = shape.count
        if rank == 0 {
            body(0, 0, 0, 1, 0, 0)
            return
        }
        let inner = shape[rank - 1], innerA = stridesA[rank - 1], innerB = stridesB[rank - 1]
        var outer = 1
        for d in 0..<(rank - 1) { outer *= shape[d] }
        var index = [Int](repeating: 0, count: rank)
        var offsetA = 0, offsetB = 0
        for o in 0..<outer {
            body(offsetA, offsetB, o * inner, inner, innerA, innerB)
            var d = rank - 2
            while d >= 0 {
                index[d] += 1
                offsetA += stridesA[d]
                offsetB += stridesB[d]
                if index[d] < shape[d] { break }
                offsetA -= stridesA[d] * shape[d]
                offsetB -= stridesB[d] * shape[d]
                index[d] = 0
                d -= 1
            }
        }
    }
}
