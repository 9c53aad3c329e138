import Autograd
import Models

/// One line of the benchmark's output: a median time in µs, or a rate in GFLOP/s.
struct Row {
    enum Unit { case microseconds, gflops, ratio }
    let name: String
    let value: Double
    let unit: Unit

    var json: String {
        let key = unit == .microseconds ? "median_us" : "value"
        return "{\"name\":\"\(name)\",\"\(key)\":\(formatted(value, digits: 3))}"
    }

    var text: String {
        let label = unit == .microseconds ? "µs" : unit == .gflops ? "GFLOP/s" : "× headless steps/s"
        return name + String(repeating: " ", count: Swift.max(1, 28 - name.count)) + " " + formatted(value, digits: 3) + " " + label
    }
}

func formatted(_ value: Double, digits: Int) -> String {
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    let rounded = (value * scale).rounded() / scale
    return "\(rounded)"
}

/// The workloads of issue 7, each defined as bench/pytorch_reference.py defines it.
enum Workloads {
    /// A 0-d tensor through x = x·1.0001 + 0.5 fifty times (100 ops), then backward: µs per op.
    static func scalarChain() -> Row {
        let start = Tensor(scalar: Float(1))
        try! start.requireGrad()
        let us = medianMicroseconds(Budget(warmup: 200, minReps: 200, maxReps: 20_000, seconds: 1)) {
            var x = start
            for _ in 0..<50 { x = x * 1.0001 + 0.5 }
            try! x.backward()
        }
        return Row(name: "scalar_chain_per_op", value: us / 100, unit: .microseconds)
    }

    /// n×n×n single-precision matrix product through Tensor.matmul: GFLOP/s.
    static func sgemm(_ n: Int) -> Row {
        var generator = RandomGenerator(seed: 7)
        let a = Tensor.randn([n, n], generator: &generator)
        let b = Tensor.randn([n, n], generator: &generator)
        let us = medianMicroseconds(Budget(warmup: 3, minReps: 10, maxReps: 200, seconds: 1)) {
            _ = a.matmul(b)
        }
        return Row(name: "sgemm_\(n)_gflops", value: gflops(n, us), unit: .gflops)
    }

    /// The same product straight through OpenBLAS's cblas_sgemm into a preallocated result, on
    /// OpenBLAS's own `threads` threads: what OpenBLAS makes of it with the kernels it chose.
    /// (CPUBackend keeps OpenBLAS on one thread and splits products itself, and runs float32
    /// products at AVX-512 on blitz-tui's own GEMM instead; the count is put back afterwards.)
    static func rawSgemm(_ n: Int, threads: Int) -> Row {
        OpenBLAS.setNumThreads(threads)
        defer { OpenBLAS.setNumThreads(1) }
        var generator = RandomGenerator(seed: 7)
        let a = Tensor.randn([n, n], generator: &generator).floats
        let b = Tensor.randn([n, n], generator: &generator).floats
        var c = [Float](repeating: 0, count: n * n)
        let us = a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                c.withUnsafeMutableBufferPointer { pc in
                    medianMicroseconds(Budget(warmup: 3, minReps: 10, maxReps: 200, seconds: 1)) {
                        OpenBLAS.sgemm(n, n, n, pa.baseAddress!, pb.baseAddress!, pc.baseAddress!)
                    }
                }
            }
        }
        return Row(name: "sgemm_\(n)_raw_gflops", value: gflops(n, us), unit: .gflops)
    }

    static func gflops(_ n: Int, _ us: Double) -> Double {
        2 * Double(n) * Double(n) * Double(n) / (us * 1000)
    }

    /// One blitz Net training step (Models' BlitzNet, the tutorial's Net) on a batch of 3×32×32 images.
    static func blitzNet(batch: Int) -> Row {
        let step = TrainStep(BlitzNet(seed: 1))
        var generator = RandomGenerator(seed: 2)
        let images = Tensor.randn([batch, 3, 32, 32], generator: &generator)
        let labels = Tensor.randint(0, 10, [batch], generator: &generator)
        let us = medianMicroseconds(Budget(warmup: 20, minReps: 50, maxReps: 5000, seconds: 2)) {
            step.run(images, labels)
        }
        return Row(name: "blitz_net_train_step_b\(batch)", value: us, unit: .microseconds)
    }

    /// One MLP (64→128→64→10) training step on a batch of 32.
    static func mlp() -> Row {
        let step = TrainStep(MLP(inFeatures: 64, hiddenSizes: [128, 64], classes: 10, seed: 3))
        var generator = RandomGenerator(seed: 4)
        let inputs = Tensor.randn([32, 64], generator: &generator)
        let labels = Tensor.randint(0, 10, [32], generator: &generator)
        let us = medianMicroseconds(Budget(warmup: 50, minReps: 100, maxReps: 20_000, seconds: 1)) {
            step.run(inputs, labels)
        }
        return Row(name: "mlp_train_step_b32", value: us, unit: .microseconds)
    }
}
