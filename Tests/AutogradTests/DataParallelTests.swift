@testable import Autograd
import Testing

/// DataParallel against the same module on one device: the wrapped module's gradients must be
/// the whole batch's, the graph must be PyTorch's (GatherBackward into each replica, a
/// BroadcastBackward per replica parameter, one AccumulateGrad per original parameter), and
/// no_grad must record nothing.
@Suite("DataParallel on CPU replicas")
struct DataParallelTests {
    /// A small convolutional net (conv, relu, pool, flatten, linear) on 1×8×8 images.
    static func network(seed: UInt64 = 5) -> Sequential {
        var g = RandomGenerator(seed: seed)
        return Sequential(Conv2d(1, 3, kernelSize: (3, 3), generator: &g), ReLU(), MaxPool2d(2), Flatten(),
                          Linear(27, 10, generator: &g), ReLU(), Linear(10, 4, generator: &g))
    }

    static func batch(_ n: Int, seed: UInt64 = 9) -> (Tensor, Tensor) {
        var g = RandomGenerator(seed: seed)
        return (Tensor.randn([n, 1, 8, 8], generator: &g), Tensor.randint(0, 4, [n], generator: &g))
    }

    /// Each parameter's gradient: max |a − b| within float32 summation error of the largest |a|.
    static func expectClose(_ a: [Tensor], _ b: [Tensor], _ what: String) {
        #expect(a.count == b.count)
        for (x, y) in zip(a, b) {
            guard let gx = x.grad?.doubles, let gy = y.grad?.doubles else {
                Issue.record("\(what): \(x.name ?? "?") has no gradient")
                continue
            }
            let scale = gx.map(abs).max() ?? 0
            let worst = zip(gx, gy).map { abs($0 - $1) }.max() ?? 0
            #expect(worst <= 1e-5 * scale + 1e-9, "\(what): \(x.name ?? "?") differs by \(worst) (largest |g| \(scale))")
        }
    }

    @Test("chunk sizes follow tensor.chunk", arguments: [
        (64, 2, [32, 32]), (5, 2, [3, 2]), (5, 4, [2, 2, 1]), (1, 3, [1]), (7, 3, [3, 3, 1]), (6, 1, [6]),
    ])
    func chunkSizes(batch: Int, parts: Int, expected: [Int]) {
        #expect(DataParallel.chunkSizes(batch: batch, parts: parts) == expected)
    }

    @Test("gradients equal the whole batch's on one device", arguments: [(2, 8), (3, 7), (4, 3)])
    func gradientsMatchOneDevice(replicas: Int, batchSize: Int) throws {
        let single = Self.network()
        let wrapped = Self.network()
        let parallel = try DataParallel(wrapped, devices: Array(repeating: .cpu, count: replicas)) { Self.network(seed: 99) }
        let (x, labels) = Self.batch(batchSize)
        let expected = Tensor.crossEntropy(single(x), labels)
        try expected.backward()
        let loss = Tensor.crossEntropy(parallel(x), labels)
        try loss.backward()
        #expect(abs(loss.item() - expected.item()) <= 1e-6 * abs(expected.item()))
        Self.expectClose(single.parameters(), wrapped.parameters(), "\(replicas) replicas, batch \(batchSize)")
        let used = DataParallel.chunkSizes(batch: batchSize, parts: replicas).count
        #expect(parallel.lastScatter.prefix(used).map(\.count) == DataParallel.chunkSizes(batch: batchSize, parts: replicas))
        #expect(parallel.replicaGradientNorms.prefix(used).allSatisfy { $0 != nil })
        #expect(parallel.replicaGradientNorms.dropFirst(used).allSatisfy { $0 == nil })
    }

    @Test("a replica's gradient is its rows' share of the batch gradient")
    func replicaGradientNorms() throws {
        let wrapped = Self.network()
        let parallel = try DataParallel(wrapped, devices: [.cpu, .cpu]) { Self.network(seed: 1) }
        let (x, labels) = Self.batch(6)
        try Tensor.crossEntropy(parallel(x), labels).backward()
        let norms = parallel.replicaGradientNorms
        // Rows 0..<3 on one device, loss scaled by 3/6 as the batch mean does.
        for (r, rows) in [0..<3, 3..<6].enumerated() {
            let alone = Self.network()
            let xs = Tensor(Array(x.floats[rows.lowerBound * 64 ..< rows.upperBound * 64]), shape: [3, 1, 8, 8])
            let ys = Tensor(Array(labels.toArray(Int64.self)[rows]), shape: [3])
            try (Tensor.crossEntropy(alone(xs), ys) * 0.5).backward()
            let expected = alone.parameters().map { $0.grad!.doubles.map { $0 * $0 }.reduce(0, +) }.reduce(0, +).squareRoot()
            let got = try #require(norms[r])
            #expect(abs(got - expected) <= 1e-5 * expected, "replica \(r): \(got) vs \(expected)")
        }
    }

    @Test("the graph: GatherBackward into each replica, BroadcastBackward back to the module's AccumulateGrad")
    func graph() throws {
        let wrapped = Self.network()
        let parallel = try DataParallel(wrapped, devices: [.cpu, .cpu]) { Self.network(seed: 1) }
        let (x, labels) = Self.batch(4)
        let out = parallel(x)
        #expect(out.gradFn?.name == "GatherBackward")
        #expect(out.gradFn?.nextNodes.map(\.name) == ["AddmmBackward0", "AddmmBackward0"])
        #expect(out.gradFn?.nextNodes.map(\.module) == ["replica0.6", "replica1.6"])
        let loss = Tensor.crossEntropy(out, labels)
        // Every node reachable from the loss, once each (iteratively).
        var seen: [ObjectIdentifier] = []
        var nodes: [Node] = []
        var stack = [loss.gradFn!]
        while let node = stack.popLast() {
            guard !seen.contains(ObjectIdentifier(node)) else { continue }
            seen.append(ObjectIdentifier(node))
            nodes.append(node)
            stack += node.nextNodes
        }
        let parameters = wrapped.namedParameters()
        let broadcasts = nodes.filter { $0.name == "BroadcastBackward" }
        #expect(broadcasts.count == 2 * parameters.count)
        #expect(broadcasts.allSatisfy { $0.nextNodes.count == 1 && $0.nextNodes[0].name == "AccumulateGrad" })
        let accumulators = nodes.filter(\.isAccumulateGrad)
        #expect(accumulators.count == parameters.count)
        #expect(accumulators.allSatisfy { node in parameters.contains { $0.tensor === node.variable } })
        // The wrapped module is registered as `module`, as in PyTorch (state_dict keys `module.0.weight`).
        #expect(parallel.namedParameters().map(\.name).first == "module.0.weight")
        #expect(Set(broadcasts.compactMap(\.module)) == ["replica0.0", "replica0.4", "replica0.6", "replica1.0", "replica1.4", "replica1.6"])
    }

    @Test("an input that requires grad gets its gradient back through ScatterBackward")
    func inputGradient() throws {
        let single = Self.network()
        let parallel = try DataParallel(Self.network(), devices: [.cpu, .cpu, .cpu]) { Self.network(seed: 3) }
        let (x, labels) = Self.batch(5)
        let x1 = try x.detach().requireGrad()
        let x2 = try x.detach().requireGrad()
        try Tensor.crossEntropy(single(x1), labels).backward()
        try Tensor.crossEntropy(parallel(x2), labels).backward()
        let a = x1.grad!.doubles
        let b = x2.grad!.doubles
        let scale = a.map(abs).max()!
        #expect(zip(a, b).allSatisfy { abs($0 - $1) <= 1e-5 * scale })
    }

    @Test("under no_grad nothing is recorded and the output is the module's")
    func noGradForward() throws {
        let single = Self.network()
        let parallel = try DataParallel(Self.network(), devices: [.cpu, .cpu]) { Self.network(seed: 3) }
        let (x, _) = Self.batch(6)
        let out = noGrad { parallel(x) }
        #expect(out.gradFn == nil && !out.requiresGrad)
        #expect(parallel.replicas.allSatisfy { $0.parameters().allSatisfy(\.isLeaf) })
        let expected = noGrad { single(x) }.doubles
        #expect(zip(out.doubles, expected).allSatisfy { abs($0 - $1) <= 1e-5 })
    }

    @Test("SGD on DataParallel follows SGD on one device, step after step")
    func training() throws {
        let single = Self.network()
        let wrapped = Self.network()
        let parallel = try DataParallel(wrapped, devices: [.cpu, .cpu]) { Self.network(seed: 2) }
        let optimizers = [try SGD(single.parameters(), lr: 0.1, momentum: 0.9), try SGD(wrapped.parameters(), lr: 0.1, momentum: 0.9)]
        for step in 0..<4 {
            let (x, labels) = Self.batch(8, seed: UInt64(step))
            for (model, optimizer) in [(single as Module, optimizers[0]), (parallel as Module, optimizers[1])] {
                optimizer.zeroGrad()
                try Tensor.crossEntropy(model(x), labels).backward()
                optimizer.step()
            }
        }
        for (a, b) in zip(single.parameters(), wrapped.parameters()) {
            let worst = zip(a.doubles, b.doubles).map { abs($0 - $1) }.max()!
            #expect(worst <= 1e-5, "\(a.name ?? "?") drifted by \(worst)")
        }
    }

    @Test("what cannot be wrapped is refused with PyTorch's reasons")
    func errors() throws {
        #expect(throws: DataParallelError.noDevices) { try DataParallel(Self.network(), devices: []) { Self.network() } }
        let mismatch = #expect(throws: DataParallelError.self) {
            try DataParallel(Self.network(), devices: [.cpu, .cpu]) { Sequential(ReLU()) }
        }
        #expect(mismatch?.description.hasPrefix("DataParallel: a replica must have the module's parameters") == true)
        #expect(DataParallelError.moduleNotOnFirstDevice(expected: .cuda(0), parameter: "fc1.weight", found: .cpu).description
                == "module must have its parameters and buffers on device cuda:0 (device_ids[0]) but found one of them on device: cpu (fc1.weight)")
    }
}

/// DataParallel over the two emulated GPUs, in a process of its own (it chooses the CUDA
/// libraries for the whole process): replicas on cuda:0 and cuda:1, output on cuda:0, and the
/// gradients of the module (on cuda:0) equal to the whole batch's on the CPU.
@Suite("DataParallel on the emulated GPUs",
       .enabled(if: CUDAEmulator.isAvailable, "the CUDA emulator needs a C++ compiler (clang++ from the Swift toolchain, or g++)"))
struct DataParallelEmulatedTests {
    @Test("two emulated GPUs give the CPU's whole-batch gradients")
    func twoGPUs() async {
        let result = await #expect(processExitsWith: .success, observing: [\.standardErrorContent]) {
            try CUDADevices.use(CUDAEmulator.setup.get().libraries)
            let single = DataParallelTests.network()
            let wrapped = try DataParallelTests.network().to(.cuda(0))
            let parallel = try DataParallel(wrapped, devices: [.cuda(0), .cuda(1)]) { DataParallelTests.network(seed: 4) }
            precondition(parallel.replicas[1].parameters().allSatisfy { $0.device == .cuda(1) }, "replica 1 is not on cuda:1")
            let (x, labels) = DataParallelTests.batch(6)
            try Tensor.crossEntropy(single(x), labels).backward()
            let out = parallel(try x.to(.cuda(0)))
            precondition(out.device == .cuda(0), "the gathered output is on \(out.device)")
            precondition(parallel.lastReplicaOutputs.map(\.device) == [.cuda(0), .cuda(1)], "replica outputs on \(parallel.lastReplicaOutputs.map(\.device))")
            let loss = Tensor.crossEntropy(out, try labels.to(.cuda(0)))
            try loss.backward()
            for (a, b) in zip(single.parameters(), wrapped.parameters()) {
                precondition(b.grad?.device == .cuda(0), "\(b.name ?? "?")'s gradient is not on cuda:0")
                let ga = a.grad!.doubles
                let gb = try b.grad!.to(.cpu).doubles
                let scale = ga.map(abs).max()!
                let worst = zip(ga, gb).map { abs($0 - $1) }.max()!
                precondition(worst <= 1e-5 * scale + 1e-9, "\(a.name ?? "?") differs by \(worst) (largest \(scale))")
            }
            precondition(parallel.replicaGradientNorms.allSatisfy { $0 != nil }, "a replica reported no gradient")
        }
        if let result, result.exitStatus != .exitCode(0) {
            Issue.record("the child said: \(String(decoding: result.standardErrorContent, as: UTF8.self).suffix(600))")
        }
    }
}
