import CKernels

/// CPUBackend's optimizer updates.
///
/// The update rules are the reference's (pytorch-facts.md), with the same arithmetic in the same
/// order; what changes is that the choices that hold for the whole tensor (weight decay or
/// not, first momentum step, nesterov) are made once, outside the loop, so each loop is a
/// straight line of arithmetic that vectorises. Large parameters split over threads. float32 with
/// vector kernels runs optim.c's AVX2/AVX-512 loops instead (the Swift loops compile for SSE2, and
/// an update is bound by its loads and stores): the same arithmetic, bit for bit.

@inline(__always)
func sgdLoop<T: FloatElement>(_ p: UnsafeMutablePointer<T>, _ grad: UnsafePointer<T>, _ buf: UnsafeMutablePointer<T>?,
                              _ n: Int, _ h: SGDHyper, decay: Bool, useMomentum: Bool, first: Bool, nesterov: Bool, threads: Int) {
    let lr = T(h.lr), momentum = T(h.momentum), dampening = T(h.dampening), wd = T(h.weightDecay)
    let keep = 1 - dampening
    CPUParallel.forRanges(n, grain: CPUGrain.elementwise, threads: threads) { range in
        for i in range {
            var g = grad[i]
            if decay { g += wd * p[i] }
            if useMomentum, let buf {
                let b = first ? g : momentum * buf[i] + keep * g
                buf[i] = b
                g = nesterov ? g + momentum * b : b
            }
            p[i] -= lr * g
        }
    }
}

func cpuSGD<T: FloatElement>(_ p: UnsafeMutablePointer<T>, _ grad: UnsafePointer<T>, _ buf: UnsafeMutablePointer<T>?,
                             _ n: Int, _ h: SGDHyper, threads: Int) {
    let decay = h.weightDecay != 0
    guard let buf, h.momentum != 0 else {
        if decay {
            sgdLoop(p, grad, nil, n, h, decay: true, useMomentum: false, first: false, nesterov: false, threads: threads)
        } else {
            sgdLoop(p, grad, nil, n, h, decay: false, useMomentum: false, first: false, nesterov: false, threads: threads)
        }
        return
    }
    switch (decay, h.firstStep, h.nesterov) {
    case (false, false, false): sgdLoop(p, grad, buf, n, h, decay: false, useMomentum: true, first: false, nesterov: false, threads: threads)
    case (false, true, false): sgdLoop(p, grad, buf, n, h, decay: false, useMomentum: true, first: true, nesterov: false, threads: threads)
    case (false, false, true): sgdLoop(p, grad, buf, n, h, decay: false, useMomentum: true, first: false, nesterov: true, threads: threads)
    case (false, true, true): sgdLoop(p, grad, buf, n, h, decay: false, useMomentum: true, first: true, nesterov: true, threads: threads)
    case (true, false, false): sgdLoop(p, grad, buf, n, h, decay: true, useMomentum: true, first: false, nesterov: false, threads: threads)
    case (true, true, false): sgdLoop(p, grad, buf, n, h, decay: true, useMomentum: true, first: true, nesterov: false, threads: threads)
    case (true, false, true): sgdLoop(p, grad, buf, n, h, decay: true, useMomentum: true, first: false, nesterov: true, threads: threads)
    case (true, true, true): sgdLoop(p, grad, buf, n, h, decay: true, useMomentum: true, first: true, nesterov: true, threads: threads)
    }
}

@inline(__always)
func adamLoop<T: FloatElement>(_ p: UnsafeMutablePointer<T>, _ grad: UnsafePointer<T>, _ m: UnsafeMutablePointer<T>,
                               _ v: UnsafeMutablePointer<T>, _ n: Int, _ h: AdamHyper, decay: Bool, decoupled: Bool, threads: Int) {
    // The scalars are worked out in Double and rounded once, as PyTorch does with Python floats
    // (1 − Float(0.999) is 1.3e-5 off 0.001, which showed in v against PyTorch's float32 steps).
    let b1 = T(h.beta1), b2 = T(h.beta2), eps = T(h.eps), wd = T(h.weightDecay)
    let correction1 = 1 - Double.pow(h.beta1, Double(h.step))
    let stepSize = T(h.lr / correction1)
    let correction2Root = T((1 - Double.pow(h.beta2, Double(h.step))).squareRoot())
    let shrink = T(1 - h.lr * h.weightDecay)
    let oneMinusB1 = T(1 - h.beta1), oneMinusB2 = T(1 - h.beta2)
    CPUParallel.forRanges(n, grain: CPUGrain.transcendental, threads: threads) { range in
        for i in range {
            var g = grad[i]
            if decay {
                if decoupled { p[i] *= shrink } else { g += wd * p[i] }
            }
            let mi = b1 * m[i] + oneMinusB1 * g
            let vi = b2 * v[i] + oneMinusB2 * g * g
            m[i] = mi
            v[i] = vi
            let denom = vi.squareRoot() / correction2Root + eps
            p[i] -= stepSize * mi / denom
        }
    }
}

func cpuAdam<T: FloatElement>(_ p: UnsafeMutablePointer<T>, _ grad: UnsafePointer<T>, _ m: UnsafeMutablePointer<T>,
                              _ v: UnsafeMutablePointer<T>, _ n: Int, _ h: AdamHyper, threads: Int) {
    switch (h.weightDecay != 0, h.decoupledWeightDecay) {
    case (false, _): adamLoop(p, grad, m, v, n, h, decay: false, decoupled: false, threads: threads)
    case (true, false): adamLoop(p, grad, m, v, n, h, decay: true, decoupled: false, threads: threads)
    case (true, true): adamLoop(p, grad, m, v, n, h, decay: true, decoupled: true, threads: threads)
    }
}

// MARK: float32 at the backend's vector width

func cpuSGD(_ p: UnsafeMutablePointer<Float>, _ grad: UnsafePointer<Float>, _ buf: UnsafeMutablePointer<Float>?,
            _ n: Int, _ h: SGDHyper, kernels: VectorKernelSet, threads: Int) {
    // The scalars rounded as sgdLoop rounds them; no momentum means no buffer, as there.
    let dampening = Float(h.dampening)
    let params = blitz_sgd_params(lr: Float(h.lr), momentum: Float(h.momentum), keep: 1 - dampening,
                                  weight_decay: Float(h.weightDecay), first: h.firstStep, nesterov: h.nesterov)
    let buffer = h.momentum != 0 ? buf : nil
    // One pointer for all threads: they only read it.
    withUnsafePointer(to: params) { params in
        CPUParallel.forRanges(n, grain: CPUGrain.elementwise, threads: threads) { range in
            kernels.sgd(p + range.lowerBound, grad + range.lowerBound, buffer.map { $0 + range.lowerBound }, range.count,
                        params)
        }
    }
}

func cpuAdam(_ p: UnsafeMutablePointer<Float>, _ grad: UnsafePointer<Float>, _ m: UnsafeMutablePointer<Float>,
             _ v: UnsafeMutablePointer<Float>, _ n: Int, _ h: AdamHyper, kernels: VectorKernelSet, threads: Int) {
    // adamLoop's scalars: worked out in Double, rounded once.
    let correction1 = 1 - Double.pow(h.beta1, Double(h.step))
    let params = blitz_adam_params(
        beta1: Float(h.beta1), beta2: Float(h.beta2), eps: Float(h.eps), weight_decay: Float(h.weightDecay),
        step_size: Float(h.lr / correction1),
        correction2_root: Float((1 - Double.pow(h.beta2, Double(h.step))).squareRoot()),
        shrink: Float(1 - h.lr * h.weightDecay), one_minus_beta1: Float(1 - h.beta1), one_minus_beta2: Float(1 - h.beta2),
        decoupled: h.decoupledWeightDecay)
    withUnsafePointer(to: params) { params in
        CPUParallel.forRanges(n, grain: CPUGrain.transcendental, threads: threads) { range in
            let o = range.lowerBound
            kernels.adam(p + o, grad + o, m + o, v + o, range.count, params)
        }
    }
}
