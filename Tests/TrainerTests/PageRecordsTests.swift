import Foundation
import Autograd
import Models
import Testing
@testable import Trainer

/// The records behind pages 2-5, computed by the trainer, against PyTorch where PyTorch has an
/// answer (print(net), parameter counts, optimizer steps).
@Suite(.serialized) struct PageRecordsTests {
    // MARK: Model

    @Test(arguments: [("net1", "blitz-net", [1, 32, 32]), ("net3", "blitz-net", [3, 32, 32]), ("mlp", "mlp", [1, 32, 32])])
    func modelRecordIsPrintNetAndNamedParameters(fixture: String, spec: String, input: [Int]) throws {
        let expected = try #require(PageFixtures.shared.models[fixture])
        let model = try ModelCatalog.make(spec, inputShape: input, classes: 10, seed: 0)
        let record = PageState.modelRecord(model)
        #expect(record.lines.map(\.text).joined(separator: "\n") == expected.print)
        #expect(record.total == expected.count)
        #expect(record.parameters.map(\.name) == expected.parameters.map(\.name))
        #expect(record.parameters.map(\.shape) == expected.parameters.map(\.shape))
        #expect(record.parameters.map(\.numel) == expected.parameters.map(\.numel))
        #expect(record.parameters.map(\.dtype) == expected.parameters.map(\.dtype))
        #expect(record.parameters.map(\.device) == expected.parameters.map(\.device))
        #expect(record.parameters.map(\.requiresGrad) == expected.parameters.map(\.requires_grad))
        // Each print line knows the module it opens; parameters belong to those modules.
        #expect(record.lines.first?.module == "")
        #expect(record.lines.last?.module == nil)
        let modules = Set(record.lines.compactMap(\.module))
        #expect(record.parameters.allSatisfy { modules.contains($0.module) })
    }

    @Test func nestedModulesGetDottedPaths() {
        var g = RandomGenerator(seed: 1)
        let inner = Sequential(Linear(4, 3, generator: &g), ReLU(), Linear(3, 2, generator: &g))
        let outer = Sequential(inner, Linear(2, 2, generator: &g))
        let record = PageState.modelRecord(outer)
        #expect(record.lines.compactMap(\.module) == ["", "0", "0.0", "0.1", "0.2", "1"])
        #expect(record.parameters.map(\.module) == ["0.0", "0.0", "0.2", "0.2", "1", "1"])
    }

    @Test func gradNoneUntilBackwardThenSetThenNoneAfterZeroGrad() throws {
        let core = try TrainerCore(configuration(steps: 5))
        var pages = core.pageRecords(previous: PageRecords())
        #expect(pages.model?.parameters.allSatisfy { !$0.hasGrad } == true)
        #expect(pages.model?.total == 61_706)
        core.trainingStep()
        pages = core.pageRecords(previous: pages)
        #expect(pages.model?.parameters.allSatisfy(\.hasGrad) == true)
        core.backwardNode()   // zero_grad (set_to_none) and the first node: no parameter reached yet
        pages = core.pageRecords(previous: pages)
        #expect(pages.model?.parameters.allSatisfy { !$0.hasGrad } == true)
    }

    // MARK: Forward

    @Test func forwardRecordFollowsTheBlitzNetCallByCall() throws {
        let core = try TrainerCore(configuration(steps: 5))
        core.trainingStep()
        #expect(core.pageRecords(previous: PageRecords()).forward == nil, "nothing recorded while the page is hidden")
        core.showPage(.forward)
        core.trainingStep()
        let forward = try #require(core.pageRecords(previous: PageRecords()).forward)
        #expect(forward.step == 2)
        #expect(forward.gradEnabled && forward.training)
        let names = forward.calls.map { $0.kind == .module ? ($0.name.isEmpty ? $0.typeName : $0.name) : $0.typeName }
        #expect(names == ["conv1", "F.relu", "pool", "conv2", "F.relu", "pool", "torch.flatten", "fc1", "F.relu", "fc2",
                          "F.relu", "fc3", "Net"])
        let flatten = try #require(forward.calls.first { $0.isFlatten })
        #expect(flatten.inputShape == [4, 16, 5, 5] && flatten.outputShape == [4, 400])
        #expect(flatten.gradFn == "ViewBackward0")
        #expect(forward.calls[0].inputShape == [4, 1, 32, 32] && forward.calls[0].outputShape == [4, 6, 28, 28])
        #expect(forward.calls.last?.outputShape == [4, 10] && forward.calls.last?.inputShape == [4, 1, 32, 32])
        // Hooks fire as each module's forward returns: the root's last.
        #expect(forward.hooks.map(\.name) == ["conv1", "pool", "conv2", "pool", "fc1", "fc2", "fc3", ""])
        #expect(forward.hooks.map(\.hookOrder) == Array(1...8))
        // After ReLU some outputs are exactly zero, and none are negative.
        for relu in forward.calls where relu.typeName == "F.relu" {
            #expect(relu.zeroFraction > 0 && relu.zeroFraction < 1)
            #expect(relu.mean > 0)
        }
        #expect(forward.calls[0].zeroFraction == 0)
        #expect(forward.calls.first { $0.name == "fc3" }?.gradFn == "AddmmBackward0")
    }

    @Test func evaluationForwardRunsUnderNoGradInEvalMode() throws {
        var c = configuration(steps: 4)
        c.evaluateEvery = 2
        let core = try TrainerCore(c)
        core.showPage(.forward)
        core.trainingStep()
        core.trainingStep()   // evaluates after step 2
        let pages = core.pageRecords(previous: PageRecords())
        let evaluation = try #require(pages.evaluationForward)
        #expect(!evaluation.gradEnabled && !evaluation.training)
        #expect(evaluation.step == 2)
        #expect(evaluation.calls.allSatisfy { $0.gradFn == nil })
        #expect(evaluation.calls.first?.inputShape.first == 256)
        // Without a grad_fn, the functions are recognised by what they did to the values.
        #expect(evaluation.calls.map(\.typeName).filter { !$0.isEmpty && $0.first!.isLowercase || $0.hasPrefix("F.") }
                    == ["F.relu", "F.relu", "torch.flatten", "F.relu", "F.relu"])
        #expect(pages.forward?.gradEnabled == true)
    }

    @Test func mlpForwardStartsWithTheFlattenOfItsInput() throws {
        var c = configuration(steps: 2)
        c.model = "mlp"
        let core = try TrainerCore(c)
        core.showPage(.forward)
        core.trainingStep()
        let forward = try #require(core.pageRecords(previous: PageRecords()).forward)
        #expect(forward.calls.map(\.typeName) == ["torch.flatten", "Linear", "F.relu", "Linear", "F.relu", "Linear", "MLP"])
        #expect(forward.calls[0].inputShape == [4, 1, 32, 32] && forward.calls[0].outputShape == [4, 1024])
    }

    // MARK: Optimizer

    /// blitz-tui's optimizer with the fixture's settings.
    static func optimizer(_ f: PageFixtures.Optimizer, _ p: Tensor) throws -> any Optimizer {
        let s = f.settings
        if f.name.hasPrefix("sgd") {
            return try SGD([p], lr: s.lr, momentum: s.momentum ?? 0, dampening: s.dampening ?? 0, weightDecay: s.weight_decay,
                           nesterov: s.nesterov ?? false)
        }
        let betas = (s.betas![0], s.betas![1])
        if f.name == "adamw" { return try AdamW([p], lr: s.lr, betas: betas, eps: s.eps!, weightDecay: s.weight_decay) }
        return try Adam([p], lr: s.lr, betas: betas, eps: s.eps!, weightDecay: s.weight_decay)
    }

    @Test(arguments: PageFixtures.shared.optimizers.map(\.name))
    func optimizerStepRecordMatchesPyTorch(name: String) throws {
        let f = try #require(PageFixtures.shared.optimizers.first { $0.name == name })
        let start: [Float] = f.steps[0].before.map { Float($0) }
        let p = Tensor.parameter(Tensor(start, shape: [2, 3]))
        p.name = "w"
        let optimizer = try Self.optimizer(f, p)
        for (i, s) in f.steps.enumerated() {
            let grad: [Float] = s.grad.map { Float($0) }
            p.grad = Tensor(grad, shape: [2, 3])
            let capture = OptimizerStepCapture(parameter: p, name: "w", held: true, optimizer: optimizer)
            optimizer.step()
            let u = try #require(capture.record(after: optimizer, step: i + 1))
            #expect(u.elements.count == 3 && u.held && u.step == i + 1)
            for e in u.elements {
                #expect(abs(e.before - s.before[e.index]) < 1e-6)
                #expect(abs(e.after - s.after[e.index]) < 1e-6, Comment(rawValue: "\(name) step \(i + 1) p[\(e.index)]"))
                #expect(abs((e.grad ?? .nan) - s.grad[e.index]) < 1e-6)
            }
            switch u.rule {
            case .sgd(_, _, _, _, _, let firstStep):
                #expect(firstStep == (i == 0))
                let buffer = try #require(s.state["momentum_buffer"]).values
                for e in u.elements { #expect(abs((e.firstAfter ?? .nan) - buffer[e.index]) < 1e-6) }
            case .adam(_, _, _, _, _, let decoupled, let t):
                #expect(decoupled == (name == "adamw"))
                #expect(Double(t) == s.state["step"]?.number)
                let m = try #require(s.state["exp_avg"]).values
                let v = try #require(s.state["exp_avg_sq"]).values
                for e in u.elements {
                    #expect(abs((e.firstAfter ?? .nan) - m[e.index]) <= 1e-6 * abs(m[e.index]))
                    #expect(abs((e.secondAfter ?? .nan) - v[e.index]) <= 1e-6 * abs(v[e.index]))
                }
            }
            let delta = zip(s.after, s.before).reduce(0.0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
            #expect(abs(u.updateNorm - delta) < 1e-6)
        }
    }

    @Test func aParameterTakenOutOfTheOptimizerKeepsItsGradButStopsMoving() throws {
        let core = try TrainerCore(configuration(steps: 20))
        core.showPage(.optimizer)
        core.selectParameter(1)   // conv1.bias
        core.trainingStep()
        let sgd = try #require(core.optimizer as? SGD)
        let bias = core.parameters[1]
        #expect(sgd.momentumBuffer(of: bias) != nil)
        core.toggleHeld(1)
        #expect(core.pageRecords(previous: PageRecords()).optimizer?.parameters[1].held == false)
        let frozen = bias.doubles
        let weightBefore = core.parameters[0].doubles
        core.trainingStep()
        let first = try #require(bias.grad).doubles
        core.trainingStep()
        // The values stay; backward still fills .grad, and optimizer.zero_grad() no longer clears it.
        #expect(bias.doubles == frozen)
        #expect(core.parameters[0].doubles != weightBefore)
        let second = try #require(bias.grad).doubles
        #expect(second != first)
        let update = try #require(core.pageRecords(previous: PageRecords()).optimizer?.update)
        #expect(update.parameter == "conv1.bias" && !update.held)
        #expect(update.updateNorm == 0 && (update.gradNorm ?? 0) > 0)
        #expect(update.elements.allSatisfy { $0.before == $0.after })
        // Put back, it moves again with the momentum buffer it had (optimizer.state[p] was kept).
        core.toggleHeld(1)
        core.trainingStep()
        #expect(bias.doubles != frozen)
        let back = try #require(core.pageRecords(previous: PageRecords()).optimizer?.update)
        #expect(back.held && back.updateNorm > 0)
        if case .sgd(_, _, _, _, _, let firstStep) = back.rule { #expect(!firstStep) }
    }

    // MARK: Data

    @Test func dataRecordShowsTheLoaderAndTheBatch() throws {
        var c = configuration(steps: 400)
        c.batchSize = 64
        let core = try TrainerCore(c)
        core.showPage(.data)
        core.trainingStep()
        let data = try #require(core.pageRecords(previous: PageRecords()).data)
        #expect(data.dataset == "digits" && data.batchSize == 64 && data.shuffle)
        #expect(data.trainCount == core.split.train.count && data.testCount == core.split.test.count)
        #expect(data.batchesPerEpoch == (data.trainCount + 63) / 64)
        #expect(data.lastBatchSize == (data.trainCount % 64 == 0 ? 64 : data.trainCount % 64))
        let order = core.loader.order(epoch: 0)
        #expect(data.order == Array(order.prefix(16)) && data.previousOrder == nil && data.epoch == 1)
        let batch = try #require(data.batch)
        #expect(batch.number == 1 && batch.indices == Array(order.prefix(64)))
        #expect(batch.shape == [64, 1, 32, 32] && batch.images.count == 64 && batch.images[0].count == 32 * 32)
        #expect(batch.labels.count == 64 && batch.predictions.count == 64)
        #expect(batch.images.allSatisfy { $0.min() == 0 && $0.max() == 1 })
        // Into the second epoch: a new order, the previous one beside it.
        for _ in 0..<data.batchesPerEpoch { core.trainingStep() }
        let next = try #require(core.pageRecords(previous: PageRecords()).data)
        #expect(next.epoch == 2 && next.previousOrder == data.order && next.order != data.order)
        #expect(next.batch?.number == 1)
    }

    @Test func cifarBatchesCarryTheStoredPixelsNotTheNetsInputs() throws {
        // Six CIFAR-10 records, each a different flat colour (R = 40·i, G = 255 − 40·i, B = 7·i).
        func records(_ labels: [UInt8]) -> [UInt8] {
            labels.enumerated().flatMap { i, label -> [UInt8] in
                [label] + [UInt8](repeating: UInt8(40 * i), count: 1024) + [UInt8](repeating: UInt8(255 - 40 * i), count: 1024)
                    + [UInt8](repeating: UInt8(7 * i), count: 1024)
            }
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("blitz-cifar-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data(records([6, 8, 0, 1, 9, 3])).write(to: folder.appendingPathComponent("data_batch_1.bin"))
        try Data(records([3, 5])).write(to: folder.appendingPathComponent("test_batch.bin"))
        var c = configuration(steps: 2)
        c.dataset = "cifar10:" + folder.path
        let core = try TrainerCore(c)
        core.showPage(.data)
        core.trainingStep()
        let data = try #require(core.pageRecords(previous: PageRecords()).data)
        #expect(data.classNames == CIFAR10.classNames && data.sampleShape == [3, 32, 32])
        let batch = try #require(data.batch)
        #expect(batch.shape == [4, 3, 32, 32] && batch.images.isEmpty && batch.colourImages.count == 4)
        for (image, index) in zip(batch.colourImages, batch.indices) {
            // The bytes as stored, not (v/255 − 0.5)/0.5, and the label's CIFAR-10 name.
            #expect(image.pixel(31, 31) == (UInt8(40 * index), UInt8(255 - 40 * index), UInt8(7 * index)))
            #expect(image.className == CIFAR10.classNames[[6, 8, 0, 1, 9, 3][index]])
        }
        #expect(batch.labels == batch.colourImages.map(\.label))
    }

    @Test func confusionMatrixCountsEveryTestSample() throws {
        var c = configuration(steps: 3)
        c.evaluateEvery = 3
        let core = try TrainerCore(c)
        for _ in 0..<3 { core.trainingStep() }
        let confusion = try #require(core.pageRecords(previous: PageRecords()).confusion)
        #expect(confusion.step == 3 && confusion.counts.count == 10)
        #expect(confusion.counts.joined().reduce(0, +) == core.split.test.count)
        #expect(abs(confusion.accuracy - (core.accuracies.last?.accuracy ?? -1)) < 1e-12)
    }
}

/// The node inspector's records: kept for every node while asked for, from the real backward.
@Suite(.serialized) struct NodeRecordTests {
    @Test func everyNodeOfTheLastBackwardIsRecordedWhileInspecting() throws {
        let core = try TrainerCore(configuration(steps: 5))
        core.trainingStep()
        #expect(core.pageRecords(previous: PageRecords()).nodes.isEmpty, "nothing kept unless asked")
        core.pages.inspecting = true
        core.trainingStep()
        let nodes = core.pageRecords(previous: PageRecords()).nodes
        let graph = try #require(core.graph)
        #expect(nodes.count == 27 && nodes.allSatisfy { $0 != nil })
        // fc3's AddmmBackward0: bias, input, TBackward0 in PyTorch's edge order; it saved its input and the weight.
        let addmm = try #require(nodes.compactMap { $0 }.first { $0.name == "AddmmBackward0" && $0.module == "fc3" })
        #expect(addmm.step == 2)
        #expect(addmm.gradIn?.shape == [4, 10])
        #expect(addmm.edges.map(\.name) == ["AccumulateGrad", "ReluBackward0", "TBackward0"])
        #expect(addmm.edges[0].parameter == "fc3.bias" && addmm.edges[0].gradient?.shape == [10])
        #expect(addmm.edges[1].gradient?.shape == [4, 84])
        #expect(addmm.edges.map(\.to) == graph.node(addmm.id)!.next.map(Optional.some))
        #expect(addmm.saved == [.init("_saved_mat1", [4, 84]), .init("_saved_mat2", [84, 10])])
        // conv1's ConvolutionBackward0 has no edge for the images (they need no gradient).
        let conv1 = try #require(nodes.compactMap { $0 }.first { $0.name == "ConvolutionBackward0" && $0.module == "conv1" })
        #expect(conv1.edges.map(\.parameter) == ["conv1.weight", "conv1.bias"])
        // A leaf's AccumulateGrad sends nothing on.
        let leaf = try #require(nodes.compactMap { $0 }.first { $0.name == "AccumulateGrad" })
        #expect(leaf.edges.isEmpty && leaf.gradIn != nil)
    }
}
