import Autograd
import Testing
@testable import Trainer

/// The blitz Net's backward order (pytorch-facts.md), each AccumulateGrad with its parameter.
let blitzOrder = [
    "NllLossBackward0", "LogSoftmaxBackward0", "AddmmBackward0", "AccumulateGrad(fc3.bias)", "TBackward0",
    "AccumulateGrad(fc3.weight)", "ReluBackward0", "AddmmBackward0", "AccumulateGrad(fc2.bias)", "TBackward0",
    "AccumulateGrad(fc2.weight)", "ReluBackward0", "AddmmBackward0", "AccumulateGrad(fc1.bias)", "TBackward0",
    "AccumulateGrad(fc1.weight)", "ViewBackward0", "MaxPool2DWithIndicesBackward0", "ReluBackward0",
    "ConvolutionBackward0", "AccumulateGrad(conv2.weight)", "AccumulateGrad(conv2.bias)",
    "MaxPool2DWithIndicesBackward0", "ReluBackward0", "ConvolutionBackward0", "AccumulateGrad(conv1.weight)",
    "AccumulateGrad(conv1.bias)",
]

/// `AccumulateGrad(fc3.bias)` for a leaf's node, the plain name for every other.
func qualifiedName(_ node: GraphNode) -> String {
    node.parameter.map { "\(node.name)(\($0))" } ?? node.name
}

func configuration(steps: Int = 3, seed: UInt64 = 1) -> TrainingConfiguration {
    var c = TrainingConfiguration()
    c.steps = steps
    c.seed = seed
    c.threads = 1
    return c
}

@Suite(.serialized) struct TrainerCoreTests {
    @Test func sameSeedSameLossesBitForBit() throws {
        func losses() throws -> [Double] {
            let core = try TrainerCore(configuration(steps: 6, seed: 3))
            for _ in 0..<6 { core.trainingStep() }
            return core.losses.recent
        }
        let a = try losses(), b = try losses()
        #expect(a.count == 6)
        #expect(a == b)
        let other = try TrainerCore(configuration(steps: 6, seed: 4))
        other.trainingStep()
        #expect(other.losses.recent[0] != a[0])
    }

    @Test func backwardNodeWalksPyTorchsOrderThenSteps() throws {
        let core = try TrainerCore(configuration(steps: 10))
        var seen: [String] = []
        for i in 0..<blitzOrder.count {
            core.backwardNode()
            let cursor = try #require(core.cursor)
            let ran = cursor.ran.flatMap { core.graph?.node($0) }
            seen.append(ran.map(qualifiedName) ?? "?")
            if i == 0 {
                #expect(cursor.ranName == "NllLossBackward0")
                #expect(cursor.nextName == "LogSoftmaxBackward0")
                #expect(cursor.gradIn?.shape == [])
                #expect(cursor.gradsOut.first??.shape == [4, 10])
                #expect(cursor.parametersWithGrad.isEmpty)
                #expect(core.step == 0)
            }
        }
        #expect(seen == blitzOrder)
        #expect(core.step == 1)
        let cursor = try #require(core.cursor)
        #expect(!cursor.isActive)
        #expect(cursor.parametersWithGrad == core.parameterNames)
        let graph = try #require(core.graph)
        #expect(graph.nodes.count == 27)
        #expect(graph.executionOrder.map { qualifiedName(graph.node($0)!) } == blitzOrder)
        #expect(graph.node(graph.root)?.name == "NllLossBackward0")
    }

    @Test func steppingAPassGivesTheSameGradientsAsAWholeStep() throws {
        let stepped = try TrainerCore(configuration())
        for _ in 0..<blitzOrder.count { stepped.backwardNode() }
        let whole = try TrainerCore(configuration())
        whole.trainingStep()
        for (a, b) in zip(stepped.parameters, whole.parameters) {
            #expect(a.grad!.floats == b.grad!.floats)
            #expect(a.floats == b.floats)
        }
        #expect(stepped.losses.recent == whole.losses.recent)
    }

    @Test func zeroGradOffSumsTheGradientsOfEachPass() throws {
        // An update too small for Float32 leaves the weights exactly as they were, so each pass
        // sees the same parameters and the accumulated .grad must be the plain sum.
        var c = configuration(steps: 10)
        c.learningRate = 1e-300
        c.shuffle = false
        let k = 3
        let accumulating = try TrainerCore(c)
        accumulating.toggleZeroGrad()
        for _ in 0..<k { accumulating.trainingStep() }
        #expect(accumulating.accumulated == k)

        let separate = try TrainerCore(c)
        var sums: [Tensor?] = Array(repeating: nil, count: separate.parameters.count)
        for _ in 0..<k {
            separate.trainingStep()
            #expect(separate.accumulated == 1)
            for (i, p) in separate.parameters.enumerated() {
                let g = p.grad!
                sums[i] = sums[i].map { sum in noGrad { sum + g } } ?? g.detach()
            }
        }
        for (i, p) in accumulating.parameters.enumerated() {
            #expect(p.grad!.floats == sums[i]!.floats, "\(accumulating.parameterNames[i])")
        }
    }

    @Test func learningRateCommandsAndValidation() throws {
        let core = try TrainerCore(configuration())
        core.setLearningRate(0.5)
        #expect(core.learningRate == 0.5)
        core.setLearningRate(.nan)
        #expect(core.learningRate == 0.5)
        var bad = configuration()
        bad.batchSize = 0
        #expect(throws: TrainerError.self) { try TrainerCore(bad) }
        bad = configuration()
        bad.learningRate = .infinity
        #expect(throws: TrainerError.self) { try TrainerCore(bad) }
        bad = configuration()
        bad.model = "resnet-900"
        #expect(throws: TrainerError.self) { try TrainerCore(bad) }
        bad = configuration()
        bad.dataset = "nope"
        #expect(throws: TrainerError.self) { try TrainerCore(bad) }
        bad = configuration()
        bad.dataset = "spirals"  // 2-D points cannot feed blitz-net's convolutions
        #expect(throws: TrainerError.self) { try TrainerCore(bad) }
        bad = configuration()
        bad.device = .cuda(0)
        #expect(throws: TrainerError.self) { try TrainerCore(bad) }
    }

    @Test func divergingLossStopsAndNamesStepAndNode() throws {
        var c = configuration(steps: 200)
        c.learningRate = 1e12
        c.momentum = 0
        let core = try TrainerCore(c)
        core.setRunning(true)
        for _ in 0..<200 where !core.diverged { core.trainingStep() }
        #expect(core.diverged)
        #expect(!core.isRunning)
        let message = try #require(core.message)
        #expect(message.contains("at step"))
        #expect(message.contains("Backward0") || message.contains("overflowed"))
    }

    @Test func snapshotCarriesWhatTheScreenShows() throws {
        let core = try TrainerCore(configuration())
        core.trainingStep()
        let s = core.snapshot(version: 7, withParameterNorms: true, previous: TrainingSnapshot())
        #expect(s.version == 7)
        #expect(s.step == 1)
        #expect(s.epoch == 1)
        #expect(s.losses.count == 1)
        #expect(s.parameters.map(\.name) == ["conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias", "fc1.weight",
                                             "fc1.bias", "fc2.weight", "fc2.bias", "fc3.weight", "fc3.bias"])
        #expect(s.parameters[0].shape == [6, 1, 5, 5])
        #expect(s.parameters.allSatisfy { ($0.gradNorm ?? 0) > 0 && $0.norm > 0 })
        #expect(s.zeroGradEnabled && s.accumulated == 1)
        #expect(s.graph?.nodes.count == 27)
        #expect(s.model == "blitz-net")
    }
}
