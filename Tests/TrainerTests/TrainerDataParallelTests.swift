import Autograd
import Testing
@testable import Trainer

/// `--data-parallel N` in the trainer: the same losses and weights as the plain model, the
/// scatter and each replica's loss and gradient norm published, and PyTorch's DataParallel graph.
@Suite(.serialized) struct TrainerDataParallelTests {
    @Test func twoReplicasTrainLikeOneModel() throws {
        var plain = configuration(steps: 5, seed: 2)
        plain.batchSize = 8
        var parallel = plain
        parallel.dataParallel = 2
        let a = try TrainerCore(plain)
        let b = try TrainerCore(parallel)
        for _ in 0..<5 {
            a.trainingStep()
            b.trainingStep()
        }
        for (x, y) in zip(a.losses.values(0..<a.losses.count), b.losses.values(0..<b.losses.count)) {
            #expect(abs(x - y) <= 1e-5 * abs(x), "loss \(y) with two replicas, \(x) without")
        }
        for (p, q) in zip(a.parameters, b.parameters) {
            let worst = zip(p.doubles, q.doubles).map { abs($0 - $1) }.max()!
            #expect(worst <= 1e-5, "\(p.name ?? "?") drifted by \(worst)")
        }
        // Names and checkpoints stay the model's own (no `module.` prefix).
        #expect(b.parameterNames == a.parameterNames)
    }

    @Test func theSnapshotShowsTheScatterAndEachReplica() throws {
        var c = configuration(steps: 3, seed: 5)
        c.batchSize = 5
        c.dataParallel = 2
        let core = try TrainerCore(c)
        core.trainingStep()
        let record = try #require(core.snapshot(version: 1, withParameterNorms: true, previous: TrainingSnapshot()).parallel)
        #expect(record.replicas.map(\.device) == ["cpu", "cpu"])
        #expect(record.replicas.map(\.rows) == [0..<3, 3..<5])
        #expect(record.replicas.map(\.samples.count) == [3, 2])
        #expect(record.distributed == nil)
        let losses = record.replicas.compactMap(\.loss)
        #expect(losses.count == 2)
        // The batch's loss is the rows-weighted mean of the replicas' losses.
        let whole = core.losses.point(0)
        #expect(abs((3 * losses[0] + 2 * losses[1]) / 5 - whole) <= 1e-5 * whole)
        let norms = record.replicas.compactMap(\.gradNorm)
        #expect(norms.count == 2 && norms.allSatisfy { $0 > 0 })
        let reduced = try #require(record.reducedGradNorm)
        // ‖g0 + g1‖ ≤ ‖g0‖ + ‖g1‖, and it is what the parameters' gradients hold.
        #expect(reduced <= norms[0] + norms[1] + 1e-9)
        let fromParameters = core.parameters.reduce(0) { $0 + ($1.grad.map { g in g.doubles.reduce(0) { $0 + $1 * $1 } } ?? 0) }.squareRoot()
        #expect(abs(reduced - fromParameters) <= 1e-6 * fromParameters)
    }

    @Test func theGraphIsDataParallels() throws {
        var c = configuration(steps: 3, seed: 5)
        c.dataParallel = 2
        let core = try TrainerCore(c)
        core.trainingStep()
        let graph = try #require(core.graph)
        let names = graph.nodes.map(\.name)
        #expect(names.filter { $0 == "GatherBackward" }.count == 1)
        #expect(names.filter { $0 == "BroadcastBackward" }.count == 20)
        #expect(names.filter { $0 == "AccumulateGrad" }.count == 10)
        #expect(names.filter { $0 == "ConvolutionBackward0" }.count == 4)
        #expect(graph.nodes.count == 2 + 1 + 2 * 15 + 20 + 10)
        #expect(graph.executionOrder.count == graph.nodes.count)
    }

    @Test func tooManyReplicasIsAFlagError() {
        var c = configuration()
        c.dataParallel = 0
        #expect(throws: TrainerError.self) { try TrainerCore(c) }
        c.dataParallel = 2
        c.device = .cuda(0)
        let error = #expect(throws: TrainerError.self) { try TrainerCore(c) }
        #expect(error.map { "\($0)" }?.hasPrefix("--device cuda:0") == true)
    }
}
