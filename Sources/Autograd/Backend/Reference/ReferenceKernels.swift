/// The reference backend's loops, written once for every element type they accept: one
/// element at a time, one statement per line, in the order the other backends must agree with.

@inline(__always)
func applyUnary<T: FloatElement>(_ op: UnaryOp, _ v: T) -> T {
    switch op {
    case .neg: return -v
    case .exp: return T.exp(v)
    case .log: return T.log(v)
    case .sqrt: return T.sqrt(v)
    case .relu: return v > 0 ? v : (v.isNaN ? v : 0)
    case .sigmoid: return 1 / (1 + T.exp(-v))
    case .tanh: return T.tanh(v)
    case .pow(let p): return T.pow(v, T(p))
    case .scale(let s): return v * T(s)
    case .addScalar(let s): return v + T(s)
    }
}

@inline(__always)
func applyBinary<T: FloatElement>(_ op: BinaryOp, _ a: T, _ b: T) -> T {
    switch op {
    case .add: return a + b
    case .sub: return a - b
    case .mul: return a * b
    case .div: return a / b
    // PyTorch's threshold_backward: zero where the output is <= 0, so a NaN output passes the gradient.
    case .reluBackward: return b <= 0 ? 0 : a
    case .sigmoidBackward: return a * b * (1 - b)
    case .tanhBackward: return a * (1 - b * b)
    }
}

/// int64 results round toward zero, as `Tensor.to(.int64)` does.
func referenceCast<S: StorageElement, D: StorageElement>(_ x: UnsafeMutablePointer<S>, _ out: UnsafeMutablePointer<D>,
                                                         _ n: Int) {
    for i in 0..<n {
        out[i] = D(fromDouble: x[i].doubleValue)
    }
}

func referenceUnary<T: FloatElement>(_ op: UnaryOp, _ x: UnsafeMutablePointer<T>, _ out: UnsafeMutablePointer<T>,
                                     _ n: Int) {
    for i in 0..<n {
        out[i] = applyUnary(op, x[i])
    }
}

func referenceBinary<T: FloatElement>(_ op: BinaryOp,
                                      _ a: UnsafeMutablePointer<T>, _ ia: BroadcastIndex,
                                      _ b: UnsafeMutablePointer<T>, _ ib: BroadcastIndex,
                                      _ out: UnsafeMutablePointer<T>, _ outShape: [Int]) {
    var counter = IndexCounter(outShape)
    for i in 0..<Shape.count(outShape) {
        out[i] = applyBinary(op, a[ia.offset(counter.index)], b[ib.offset(counter.index)])
        counter.advance()
    }
}

/// Adds every element into its place in `outShape`, where the summed dimensions have size 1.
func referenceSum<T: StorageElement>(_ x: UnsafeMutablePointer<T>, _ shape: [Int],
                                     _ out: UnsafeMutablePointer<T>, _ outShape: [Int]) {
    let io = BroadcastIndex(from: outShape, to: shape)
    var counter = IndexCounter(shape)
    for i in 0..<Shape.count(shape) {
        out[io.offset(counter.index)] += x[i]
        counter.advance()
    }
}

/// In Double whatever the dtype, as gradient norms are reported.
func referenceSumOfSquares<T: StorageElement>(_ x: UnsafeMutablePointer<T>, _ n: Int) -> Double {
    var total = 0.0
    for i in 0..<n {
        let v = x[i].doubleValue
        total += v * v
    }
    return total
}

/// torch.max(dim): the first maximum wins; a NaN is the maximum, as in PyTorch.
func referenceMax<T: FloatElement>(_ x: UnsafeMutablePointer<T>, _ values: UnsafeMutablePointer<T>,
                                   _ indices: UnsafeMutablePointer<Int64>, _ outer: Int, _ size: Int, _ inner: Int) {
    for o in 0..<outer {
        for i in 0..<inner {
            var best = x[o * size * inner + i]
            var bestIndex = 0
            for k in 1..<Swift.max(size, 1) {
                let v = x[(o * size + k) * inner + i]
                if best.isNaN {
                    break
                }
                if v > best || v.isNaN {
                    best = v
                    bestIndex = k
                }
            }
            values[o * inner + i] = best
            indices[o * inner + i] = Int64(bestIndex)
        }
    }
}

func referenceGemm<T: FloatElement>(_ a: UnsafeMutablePointer<T>, _ b: UnsafeMutablePointer<T>,
                                    _ c: UnsafeMutablePointer<T>,
                                    _ m: Int, _ n: Int, _ k: Int, _ transA: Bool, _ transB: Bool,
                                    _ alpha: T, _ beta: T,
                                    _ batch: Int, _ strideA: Int, _ strideB: Int, _ strideC: Int) {
    for bi in 0..<batch {
        let pa = a + bi * strideA
        let pb = b + bi * strideB
        let pc = c + bi * strideC
        for i in 0..<m {
            for j in 0..<n {
                var acc: T = 0
                for p in 0..<k {
                    let av = transA ? pa[p * m + i] : pa[i * k + p]
                    let bv = transB ? pb[j * k + p] : pb[p * n + j]
                    acc += av * bv
                }
                // beta == 0 overwrites, so garbage (even NaN) in C never leaks through, as in BLAS.
                pc[i * n + j] = beta == 0 ? alpha * acc : alpha * acc + beta * pc[i * n + j]
            }
        }
    }
}

func referenceIm2col<T: FloatElement>(_ x: UnsafeMutablePointer<T>, _ cols: UnsafeMutablePointer<T>,
                                      _ g: ConvGeometry) {
    let oh = g.outHeight
    let ow = g.outWidth
    let columns = g.batch * oh * ow
    for c in 0..<g.channels {
        for ki in 0..<g.kernelH {
            for kj in 0..<g.kernelW {
                let row = (c * g.kernelH + ki) * g.kernelW + kj
                for n in 0..<g.batch {
                    for y in 0..<oh {
                        for xo in 0..<ow {
                            let iy = y * g.strideH - g.paddingH + ki
                            let ix = xo * g.strideW - g.paddingW + kj
                            let col = (n * oh + y) * ow + xo
                            let inside = iy >= 0 && iy < g.height && ix >= 0 && ix < g.width
                            let pixel = ((n * g.channels + c) * g.height + iy) * g.width + ix
                            cols[row * columns + col] = inside ? x[pixel] : 0
                        }
                    }
                }
            }
        }
    }
}

func referenceCol2im<T: FloatElement>(_ cols: UnsafeMutablePointer<T>, _ x: UnsafeMutablePointer<T>,
                                      _ g: ConvGeometry) {
    let oh = g.outHeight
    let ow = g.outWidth
    let columns = g.batch * oh * ow
    for c in 0..<g.channels {
        for ki in 0..<g.kernelH {
            for kj in 0..<g.kernelW {
                let row = (c * g.kernelH + ki) * g.kernelW + kj
                for n in 0..<g.batch {
                    for y in 0..<oh {
                        for xo in 0..<ow {
                            let iy = y * g.strideH - g.paddingH + ki
                            let ix = xo * g.strideW - g.paddingW + kj
                            if iy >= 0 && iy < g.height && ix >= 0 && ix < g.width {
                                let col = (n * oh + y) * ow + xo
                                x[((n * g.channels + c) * g.height + iy) * g.width + ix] += cols[row * columns + col]
                            }
                        }
                    }
                }
            }
        }
    }
}

/// PyTorch's rule (`val > maxval || isnan(val)`): the first maximum in scan order wins, and a NaN
/// beats everything, a NaN included, so the last NaN of a window wins; padding never wins.
func referenceMaxPool<T: FloatElement>(_ x: UnsafeMutablePointer<T>, _ values: UnsafeMutablePointer<T>,
                                       _ indices: UnsafeMutablePointer<Int64>, _ g: ConvGeometry) {
    let oh = g.outHeight
    let ow = g.outWidth
    for p in 0..<(g.batch * g.channels) {
        let plane = x + p * g.height * g.width
        for y in 0..<oh {
            for xo in 0..<ow {
                var best = -T.infinity
                var bestIndex = -1
                for ki in 0..<g.kernelH {
                    for kj in 0..<g.kernelW {
                        let iy = y * g.strideH - g.paddingH + ki
                        let ix = xo * g.strideW - g.paddingW + kj
                        guard iy >= 0 && iy < g.height && ix >= 0 && ix < g.width else { continue }
                        let v = plane[iy * g.width + ix]
                        if bestIndex < 0 || v > best || v.isNaN {
                            best = v
                            bestIndex = iy * g.width + ix
                        }
                    }
                }
                values[(p * oh + y) * ow + xo] = best
                indices[(p * oh + y) * ow + xo] = Int64(Swift.max(bestIndex, 0))
            }
        }
    }
}

/// Each gradient goes back to the input element its window picked.
func referenceMaxPoolBackward<T: FloatElement>(_ grad: UnsafeMutablePointer<T>, _ indices: UnsafeMutablePointer<Int64>,
                                               _ out: UnsafeMutablePointer<T>, _ g: ConvGeometry) {
    let outPlane = g.outHeight * g.outWidth
    let inPlane = g.height * g.width
    for p in 0..<(g.batch * g.channels) {
        for j in 0..<outPlane {
            let picked = Int(indices[p * outPlane + j])
            out[p * inPlane + picked] += grad[p * outPlane + j]
        }
    }
}

func referenceLogSoftmax<T: FloatElement>(_ x: UnsafeMutablePointer<T>, _ out: UnsafeMutablePointer<T>,
                                          _ outer: Int, _ size: Int, _ inner: Int) {
    for o in 0..<outer {
        for i in 0..<inner {
            var m = -T.infinity
            for k in 0..<size {
                m = Swift.max(m, x[(o * size + k) * inner + i])
            }
            var s: T = 0
            for k in 0..<size {
                s += T.exp(x[(o * size + k) * inner + i] - m)
            }
            // (x − max) − log Σ, as PyTorch computes it: folding max into the log-sum first
            // rounds at the magnitude of x and loses digits when |x| is large.
            let logSum = T.log(s)
            for k in 0..<size {
                let j = (o * size + k) * inner + i
                out[j] = (x[j] - m) - logSum
            }
        }
    }
}

func referenceLogSoftmaxBackward<T: FloatElement>(_ grad: UnsafeMutablePointer<T>, _ output: UnsafeMutablePointer<T>,
                                                  _ out: UnsafeMutablePointer<T>,
                                                  _ outer: Int, _ size: Int, _ inner: Int) {
    for o in 0..<outer {
        for i in 0..<inner {
            var s: T = 0
            for k in 0..<size {
                s += grad[(o * size + k) * inner + i]
            }
            for k in 0..<size {
                let j = (o * size + k) * inner + i
                out[j] = grad[j] - T.exp(output[j]) * s
            }
        }
    }
}

/// The adjoint of gather: each gradient element is added at the position its index names.
func referenceScatterAdd<T: StorageElement>(_ grad: UnsafeMutablePointer<T>, _ index: UnsafeMutablePointer<Int64>,
                                            _ out: UnsafeMutablePointer<T>,
                                            _ outer: Int, _ size: Int, _ inner: Int, _ indexSize: Int) {
    for o in 0..<outer {
        for j in 0..<indexSize {
            for i in 0..<inner {
                let src = (o * indexSize + j) * inner + i
                let dst = (o * size + Int(index[src])) * inner + i
                out[dst] += grad[src]
            }
        }
    }
}

func referenceSGD<T: FloatElement>(_ p: UnsafeMutablePointer<T>, _ grad: UnsafeMutablePointer<T>,
                                   _ buf: UnsafeMutablePointer<T>?, _ n: Int, _ h: SGDHyper) {
    let lr = T(h.lr)
    let momentum = T(h.momentum)
    let dampening = T(h.dampening)
    let wd = T(h.weightDecay)
    for i in 0..<n {
        var g = grad[i]
        if wd != 0 {
            g += wd * p[i]
        }
        if let buf, momentum != 0 {
            buf[i] = h.firstStep ? g : momentum * buf[i] + (1 - dampening) * g
            g = h.nesterov ? g + momentum * buf[i] : buf[i]
        }
        p[i] -= lr * g
    }
}

func referenceAdam<T: FloatElement>(_ p: UnsafeMutablePointer<T>, _ grad: UnsafeMutablePointer<T>,
                                    _ m: UnsafeMutablePointer<T>, _ v: UnsafeMutablePointer<T>,
                                    _ n: Int, _ h: AdamHyper) {
    // The scalars are worked out in Double and rounded once, as PyTorch does with Python floats
    // (1 − Float(0.999) is 1.3e-5 off 0.001, which showed in v against PyTorch's float32 steps).
    let b1 = T(h.beta1)
    let b2 = T(h.beta2)
    let eps = T(h.eps)
    let wd = T(h.weightDecay)
    let stepSize = T(h.lr / (1 - Double.pow(h.beta1, Double(h.step))))
    let correction2Root = T((1 - Double.pow(h.beta2, Double(h.step))).squareRoot())
    let shrink = T(1 - h.lr * h.weightDecay)
    let oneMinusB1 = T(1 - h.beta1)
    let oneMinusB2 = T(1 - h.beta2)
    for i in 0..<n {
        var g = grad[i]
        if wd != 0 && h.decoupledWeightDecay {
            p[i] *= shrink
        } else if wd != 0 {
            g += wd * p[i]
        }
        m[i] = b1 * m[i] + oneMinusB1 * g
        v[i] = b2 * v[i] + oneMinusB2 * g * g
        let denom = T.sqrt(v[i]) / correction2Root + eps
        p[i] -= stepSize * m[i] / denom
    }
}
