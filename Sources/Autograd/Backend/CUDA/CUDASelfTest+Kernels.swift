/// The kernel-by-kernel half of the self-test: each Backend method on shapes that exercise
/// broadcasting, odd sizes, both reduction strategies, every GEMM transpose and batching.
extension CUDASelfTest {
    static func memoryChecks(_ bench: inout SelfTestBench) {
        for dtype in DType.allCases {
            let n = 1000
            let x = dtype == .int64 ? bench.indices(n, below: 1 << 40) : bench.random(n, dtype)
            bench.check("upload/download", dtype, describe([n])) { b in x[b] }
            bench.check("copy", dtype, describe([n])) { b in b.copy(x[b]) }
            bench.check("copy into", dtype, describe([n])) { b in
                let out = b.allocate(count: n, dtype: dtype)
                b.copy(x[b], into: out)
                return out
            }
            bench.check("fill", dtype, describe([777])) { b in
                let out = b.allocate(count: 777, dtype: dtype)
                b.fill(out, with: dtype == .int64 ? -8_589_934_597 : 2.75)
                return out
            }
            for target in DType.allCases where target != dtype {
                let y = dtype == .int64 ? bench.indices(n, below: 1 << 20) : bench.random(n, dtype, -1000...1000)
                bench.check("cast to \(target.rawValue)", dtype, describe([n])) { b in b.cast(y[b], to: target) }
            }
            let e = bench.random(0, dtype)
            bench.check("empty", dtype, describe([0])) { b in b.copy(e[b]) }
        }
    }

    static func kernelChecks(_ bench: inout SelfTestBench, _ dtype: DType) {
        elementwiseChecks(&bench, dtype)
        reductionChecks(&bench, dtype)
        gemmChecks(&bench, dtype)
        convolutionChecks(&bench, dtype)
        indexingChecks(&bench, dtype)
        optimizerChecks(&bench, dtype)
    }

    static func elementwiseChecks(_ bench: inout SelfTestBench, _ dtype: DType) {
        let n = 4099
        let any = bench.random(n, dtype, -3...3)
        let positive = bench.random(n, dtype, 0.01...4)
        let ops: [(String, UnaryOp, SelfTestBench.Pair)] = [
            ("neg", .neg, any), ("exp", .exp, any), ("log", .log, positive), ("sqrt", .sqrt, positive),
            ("relu", .relu, any), ("sigmoid", .sigmoid, any), ("tanh", .tanh, any), ("pow 2.5", .pow(2.5), positive),
            ("pow 3", .pow(3), any), ("scale -0.7", .scale(-0.7), any), ("add 1.25", .addScalar(1.25), any),
        ]
        for (name, op, x) in ops {
            bench.check("unary \(name)", dtype, describe([n])) { b in b.unary(op, x[b]) }
        }
        let binaries: [(String, BinaryOp)] = [
            ("add", .add), ("sub", .sub), ("mul", .mul), ("div", .div),
            ("relu backward", .reluBackward), ("sigmoid backward", .sigmoidBackward), ("tanh backward", .tanhBackward),
        ]
        let shapes: [([Int], [Int], [Int])] = [([n], [n], [n]), ([4, 1, 5], [3, 1], [4, 3, 5]), ([2, 3, 4, 5], [5], [2, 3, 4, 5]),
                                               ([], [6, 7], [6, 7]), ([7, 1, 3, 1, 2], [1, 5, 1, 4, 1], [7, 5, 3, 4, 2])]
        for (aShape, bShape, outShape) in shapes {
            let a = bench.random(Shape.count(aShape), dtype, -3...3)
            let bb = bench.random(Shape.count(bShape), dtype, 0.25...2)
            for (name, op) in binaries {
                bench.check("binary \(name)", dtype, describe(aShape, bShape)) { b in
                    b.binary(op, a[b], aShape, bb[b], bShape, outShape: outShape)
                }
            }
        }
        let small = bench.random(15, dtype)
        bench.check("expand", dtype, describe([3, 1, 5], [2, 3, 4, 5])) { b in b.expand(small[b], shape: [3, 1, 5], to: [2, 3, 4, 5]) }
        let cube = bench.random(120, dtype)
        for order in [[0, 2, 3, 1], [3, 1, 0, 2], [1, 0, 2, 3]] {
            bench.check("permute \(order)", dtype, describe([2, 3, 4, 5])) { b in b.permute(cube[b], shape: [2, 3, 4, 5], order: order) }
        }
    }

    static func reductionChecks(_ bench: inout SelfTestBench, _ dtype: DType) {
        let cases: [([Int], [Int])] = [([1000], [0]), ([256, 120], [0]), ([4, 5, 6, 7], [1, 3]), ([6, 20000], [1]),
                                       ([3, 4, 5], [0, 1, 2]), ([50, 70], [1]), ([2, 3], [])]
        for (shape, dims) in cases {
            let x = bench.random(Shape.count(shape), dtype)
            bench.check("sum dims \(dims)", dtype, describe(shape)) { b in b.sum(x[b], shape: shape, dims: dims) }
        }
        let ints = bench.indices(3000, below: 1000)
        bench.check("sum dims [1]", .int64, describe([30, 100])) { b in b.sum(ints[b], shape: [30, 100], dims: [1]) }

        let x = bench.random(7 * 13 * 5, dtype)
        bench.check("max dim", dtype, "(7, 13, 5)", outputs: ["values", "indices"]) { b in
            let (v, i) = b.max(x[b], outer: 7, size: 13, inner: 5)
            return [v, i]
        }
        let big = bench.random(100_003, dtype)
        let expected = bench.cpu.sumOfSquares(big.cpu)
        let actual = bench.device.sumOfSquares(big.device)
        bench.rows.append(SelfTestComparison.row("sumOfSquares", dtype, describe([100_003]), device: [actual], cpu: [expected]))

        let logits = bench.random(4 * 10 * 3, dtype, -5...5)
        bench.check("log_softmax", dtype, "(4, 10, 3)") { b in b.logSoftmax(logits[b], outer: 4, size: 10, inner: 3) }
        let grad = bench.random(4 * 10 * 3, dtype)
        bench.check("log_softmax backward", dtype, "(4, 10, 3)") { b in
            let out = b.logSoftmax(logits[b], outer: 4, size: 10, inner: 3)
            return b.logSoftmaxBackward(grad[b], output: out, outer: 4, size: 10, inner: 3)
        }
    }

    static func gemmChecks(_ bench: inout SelfTestBench, _ dtype: DType) {
        let (m, n, k) = (33, 17, 29)
        for batch in [1, 3] {
            for (transA, transB) in [(false, false), (true, false), (false, true), (true, true)] {
                for beta in [0.0, 1.0] {
                    let a = bench.random(batch * m * k, dtype)
                    let bm = bench.random(batch * k * n, dtype)
                    let c = bench.random(batch * m * n, dtype)
                    let detail = "m\(m) n\(n) k\(k) batch \(batch)"
                    let name = "gemm\(transA ? " Aᵀ" : "")\(transB ? " Bᵀ" : "") beta \(Int(beta))"
                    bench.check(name, dtype, detail) { b in
                        let out = beta == 0 ? b.allocate(count: batch * m * n, dtype: dtype) : b.copy(c[b])
                        b.gemm(a[b], bm[b], into: out, m: m, n: n, k: k, transA: transA, transB: transB, alpha: 0.5, beta: beta,
                               batch: batch, strideA: m * k, strideB: k * n, strideC: m * n)
                        return out
                    }
                }
            }
        }
    }

    static func convolutionChecks(_ bench: inout SelfTestBench, _ dtype: DType) {
        let geometries = [
            ConvGeometry(batch: 2, channels: 3, height: 9, width: 8, kernelH: 3, kernelW: 2, strideH: 2, strideW: 1, paddingH: 1, paddingW: 1),
            ConvGeometry(batch: 3, channels: 2, height: 12, width: 12, kernelH: 5, kernelW: 5, strideH: 1, strideW: 1, paddingH: 0, paddingW: 0),
        ]
        for g in geometries {
            let detail = "n\(g.batch) c\(g.channels) \(g.height)x\(g.width) k\(g.kernelH)x\(g.kernelW) s\(g.strideH),\(g.strideW) p\(g.paddingH),\(g.paddingW)"
            let image = bench.random(g.batch * g.channels * g.height * g.width, dtype)
            bench.check("im2col", dtype, detail) { b in b.im2col(image[b], g) }
            let cols = bench.random(g.channels * g.kernelH * g.kernelW * g.batch * g.outHeight * g.outWidth, dtype)
            bench.check("col2im", dtype, detail) { b in b.col2im(cols[b], g) }
        }
        let pools = [
            ConvGeometry(batch: 2, channels: 3, height: 10, width: 8, kernelH: 2, kernelW: 2, strideH: 2, strideW: 2, paddingH: 0, paddingW: 0),
            ConvGeometry(batch: 2, channels: 2, height: 9, width: 7, kernelH: 3, kernelW: 3, strideH: 2, strideW: 2, paddingH: 1, paddingW: 1),
        ]
        for g in pools {
            let detail = "n\(g.batch) c\(g.channels) \(g.height)x\(g.width) k\(g.kernelH) s\(g.strideH) p\(g.paddingH)"
            let image = bench.random(g.batch * g.channels * g.height * g.width, dtype)
            bench.check("max_pool2d", dtype, detail, outputs: ["values", "indices"]) { b in
                let (v, i) = b.maxPool2d(image[b], g)
                return [v, i]
            }
            let grad = bench.random(g.batch * g.channels * g.outHeight * g.outWidth, dtype)
            bench.check("max_pool2d backward", dtype, detail) { b in
                let (_, i) = b.maxPool2d(image[b], g)
                return b.maxPool2dBackward(grad[b], indices: i, g)
            }
        }
    }

    static func indexingChecks(_ bench: inout SelfTestBench, _ dtype: DType) {
        let (outer, size, inner, indexSize) = (5, 7, 3, 4)
        let x = bench.random(outer * size * inner, dtype)
        let index = bench.indices(outer * indexSize * inner, below: size)
        let detail = "(\(outer), \(size), \(inner)) index \(indexSize)"
        bench.check("gather", dtype, detail) { b in
            b.gather(x[b], outer: outer, size: size, inner: inner, index: index[b], indexSize: indexSize)
        }
        let grad = bench.random(outer * indexSize * inner, dtype)
        bench.check("scatterAdd", dtype, detail) { b in
            b.scatterAdd(grad[b], outer: outer, size: size, inner: inner, index: index[b], indexSize: indexSize)
        }
        let labels = bench.indices(256, below: 10)
        let logits = bench.random(256 * 10, dtype)
        bench.check("gather labels", dtype, "(256, 10, 1)") { b in
            b.gather(logits[b], outer: 256, size: 10, inner: 1, index: labels[b], indexSize: 1)
        }
        if dtype == .float32 {
            let ints = bench.indices(outer * size * inner, below: 1000)
            bench.check("gather", .int64, detail) { b in
                b.gather(ints[b], outer: outer, size: size, inner: inner, index: index[b], indexSize: indexSize)
            }
        }
    }

    static func optimizerChecks(_ bench: inout SelfTestBench, _ dtype: DType) {
        let n = 1537
        let param = bench.random(n, dtype)
        let grad = bench.random(n, dtype)
        let buffer = bench.random(n, dtype)
        let sgds: [(String, SGDHyper, Bool)] = [
            ("sgd", SGDHyper(lr: 0.1, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, firstStep: true), false),
            ("sgd momentum first", SGDHyper(lr: 0.05, momentum: 0.9, dampening: 0, weightDecay: 1e-3, nesterov: false, firstStep: true), true),
            ("sgd momentum", SGDHyper(lr: 0.05, momentum: 0.9, dampening: 0.1, weightDecay: 0, nesterov: false, firstStep: false), true),
            ("sgd nesterov", SGDHyper(lr: 0.05, momentum: 0.8, dampening: 0, weightDecay: 1e-2, nesterov: true, firstStep: false), true),
        ]
        for (name, h, hasBuffer) in sgds {
            bench.check(name, dtype, describe([n]), outputs: hasBuffer ? ["param", "buffer"] : ["param"]) { b in
                let p = b.copy(param[b])
                let buf = hasBuffer ? b.copy(buffer[b]) : nil
                b.sgdStep(parameter: p, grad: grad[b], momentumBuffer: buf, h)
                return [p] + (buf.map { [$0] } ?? [])
            }
        }
        let m = bench.random(n, dtype, -0.1...0.1)
        let v = bench.random(n, dtype, 0...0.01)
        for decoupled in [false, true] {
            let h = AdamHyper(lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 1e-2, step: 7, decoupledWeightDecay: decoupled)
            bench.check(decoupled ? "adamw" : "adam", dtype, describe([n]), outputs: ["param", "m", "v"]) { b in
                let (p, mm, vv) = (b.copy(param[b]), b.copy(m[b]), b.copy(v[b]))
                b.adamStep(parameter: p, grad: grad[b], m: mm, v: vv, h)
                return [p, mm, vv]
            }
        }
    }
}
