import Autograd
import Testing

/// The graph of one training iteration of the blitz Net: what PyTorch records and the order in
/// which its backward runs the nodes (../shared/reference/pytorch-facts.md), and BackwardStepper
/// walking that same order with bit-identical results.
@Suite struct BlitzNetGraphTests {
    let net = BlitzNetByHand(seed: 1)
    let batch = BlitzNetByHand.batch()

    @Test func has27NodesWithPyTorchsNames() {
        let loss = net.loss(batch.images, batch.labels)
        #expect(loss.shape == [])
        let nodes = reachableNodes(from: loss)
        #expect(nodes.count == 27)
        var counts: [String: Int] = [:]
        for node in nodes { counts[node.name, default: 0] += 1 }
        #expect(counts == [
            "NllLossBackward0": 1, "LogSoftmaxBackward0": 1, "AddmmBackward0": 3, "TBackward0": 3,
            "ReluBackward0": 4, "ViewBackward0": 1, "MaxPool2DWithIndicesBackward0": 2,
            "ConvolutionBackward0": 2, "AccumulateGrad": 10,
        ])
    }

    @Test func edgesFollowPyTorchsInputOrder() throws {
        let loss = net.loss(batch.images, batch.labels)
        let nodes = reachableNodes(from: loss)
        for addmm in nodes where addmm.name == "AddmmBackward0" {
            // bias (AccumulateGrad), input, TBackward0 → AccumulateGrad(weight)
            #expect(addmm.nextEdges.count == 3)
            let bias = try #require(addmm.nextEdges[0])
            let input = try #require(addmm.nextEdges[1])
            let transpose = try #require(addmm.nextEdges[2])
            #expect(bias.name == "AccumulateGrad")
            #expect(bias.variable?.name?.hasSuffix(".bias") == true)
            #expect(input.name == "ReluBackward0" || input.name == "ViewBackward0")
            #expect(transpose.name == "TBackward0")
            #expect(transpose.nextNodes.map(\.name) == ["AccumulateGrad"])
            #expect(transpose.nextNodes.first?.variable?.name == bias.variable?.name?.replacingOccurrences(".bias", ".weight"))
        }
        let convolutions = nodes.filter { $0.name == "ConvolutionBackward0" }
        let conv1 = try #require(convolutions.first { $0.nextEdges.last??.variable?.name == "conv1.bias" })
        let conv2 = try #require(convolutions.first { $0.nextEdges.last??.variable?.name == "conv2.bias" })
        // The images need no gradient: conv1 keeps an empty edge where its input would be.
        #expect(conv1.nextEdges.count == 3)
        #expect(conv1.nextEdges[0] == nil)
        #expect(conv1.nextEdges[1]?.variable?.name == "conv1.weight")
        #expect(conv2.nextEdges[0]?.name == "MaxPool2DWithIndicesBackward0")
        #expect(loss.gradFn?.name == "NllLossBackward0")
        #expect(loss.gradFn?.nextNodes.map(\.name) == ["LogSoftmaxBackward0"])
    }

    @Test func runsInPyTorchsOrder() throws {
        let got = try recordBackward(net.loss(batch.images, batch.labels))
        let order = got.map { entry in entry.leaf.map { "AccumulateGrad(\($0))" } ?? entry.name }
        // As written in pytorch-facts.md.
        #expect(order == [
            "NllLossBackward0", "LogSoftmaxBackward0", "AddmmBackward0", "AccumulateGrad(fc3.bias)", "TBackward0",
            "AccumulateGrad(fc3.weight)", "ReluBackward0", "AddmmBackward0", "AccumulateGrad(fc2.bias)", "TBackward0",
            "AccumulateGrad(fc2.weight)", "ReluBackward0", "AddmmBackward0", "AccumulateGrad(fc1.bias)", "TBackward0",
            "AccumulateGrad(fc1.weight)", "ViewBackward0", "MaxPool2DWithIndicesBackward0", "ReluBackward0",
            "ConvolutionBackward0", "AccumulateGrad(conv2.weight)", "AccumulateGrad(conv2.bias)",
            "MaxPool2DWithIndicesBackward0", "ReluBackward0", "ConvolutionBackward0", "AccumulateGrad(conv1.weight)",
            "AccumulateGrad(conv1.bias)",
        ])
        // And, edges included, as real PyTorch recorded it (scripts/pytorch_fixtures.py).
        let expected = try #require(PyTorchFixtures.graphs["blitz_net"])
        #expect(got == expected, "\n\(describeDifference(got, expected))")
    }

    @Test(arguments: ["diamond", "two_heads"])
    func smallGraphsMatchPyTorch(name: String) throws {
        var generator = RandomGenerator(seed: 5)
        let root: Tensor
        switch name {
        case "diamond":
            let x = GradCheck.randomInput([3], generator: &generator)
            x.name = "input0"
            let a = x.exp()
            let b = a * x
            root = (b + a).sum()
        default:
            let w = GradCheck.randomInput([2, 2], generator: &generator)
            w.name = "input0"
            let x = Tensor.randn([3, 2], dtype: .float64, generator: &generator)
            let h = x.mm(w)
            root = h.relu().sum() + h.sigmoid().mean()
        }
        let got = try recordBackward(root)
        let expected = try #require(PyTorchFixtures.graphs[name])
        #expect(got == expected, "\n\(describeDifference(got, expected))")
    }

    @Test func steppingGivesTheSameBitsAsBackward() throws {
        let viaBackward = BlitzNetByHand(seed: 1)
        let viaStepper = BlitzNetByHand(seed: 1)
        try viaBackward.loss(batch.images, batch.labels).backward()

        let loss = viaStepper.loss(batch.images, batch.labels)
        let stepper = try BackwardStepper(root: loss)
        var ran: [String] = []
        while !stepper.isFinished {
            let next = try #require(stepper.nextNode)
            let step = try #require(try stepper.step())
            #expect(step.node === next)
            ran.append(step.node.name)
            // What the step reports: the gradient the node received, one output per edge.
            let gradIn = try #require(step.gradIn, "\(step.node.name) received no gradient")
            #expect(gradIn.shape == step.node.outputShape)
            #expect(gradIn.dtype == step.node.outputDType)
            if step.node.isAccumulateGrad {
                #expect(step.gradsOut.isEmpty)
            } else {
                #expect(step.gradsOut.count == step.node.nextEdges.count)
                for (edge, out) in zip(step.node.nextEdges, step.gradsOut) where edge != nil {
                    #expect(out?.shape == edge?.outputShape, "\(step.node.name) → \(edge!.name)")
                }
            }
        }
        #expect(try stepper.step() == nil)
        #expect(stepper.stepsRun == 27)
        #expect(ran.first == "NllLossBackward0")
        #expect(ran.filter { $0 == "AccumulateGrad" }.count == 10)

        for (a, b) in zip(viaBackward.parameters, viaStepper.parameters) {
            let ga = try #require(a.grad, "\(a.name!) has no grad after backward()")
            let gb = try #require(b.grad, "\(b.name!) has no grad after stepping")
            #expect(ga.shape == a.shape)
            #expect(ga.floats == gb.floats, "\(a.name!) differs between backward() and stepping")
        }
    }

    @Test func firstStepReceivesOneAndPassesTheLossGradient() throws {
        let loss = net.loss(batch.images, batch.labels)
        let stepper = try BackwardStepper(root: loss)
        let first = try #require(try stepper.step())
        #expect(first.node.name == "NllLossBackward0")
        #expect(first.gradIn?.floats == [1])
        // d mean(−log p[label]) / d log p = −1/4 at each label, 0 elsewhere.
        let g = try #require(first.gradsOut.first ?? nil)
        #expect(g.shape == [4, 10])
        let values = g.floats
        let labels = batch.labels.toArray(Int64.self)
        for row in 0..<4 {
            for column in 0..<10 {
                #expect(values[row * 10 + column] == (Int64(column) == labels[row] ? -0.25 : 0))
            }
        }
    }
}

private extension String {
    func replacingOccurrences(_ a: String, _ b: String) -> String {
        hasSuffix(a) ? String(dropLast(a.count)) + b : self
    }
}
