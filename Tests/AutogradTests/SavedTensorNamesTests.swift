import Autograd
import Testing

/// The node inspector names what each node saved for backward as PyTorch does (`_saved_mat1`,
/// `_saved_result`, …). These tests hold the names to what real PyTorch saves for the same graphs
/// (SavedTensorFixtures, from scripts/saved_tensors_fixture.py): node by node, in backward's order,
/// a saved tensor's name is one PyTorch gives that node, with the same shape.
@Suite struct SavedTensorNamesTests {
    /// Node by node in the order backward runs them: each node's saved tensors, read before it ran.
    static func savedInOrder(_ root: Tensor, gradient: Tensor? = nil) throws -> [(node: String, saved: [(name: String, shape: [Int])])] {
        let stepper = try BackwardStepper(root: root, gradient: gradient)
        var out: [(node: String, saved: [(name: String, shape: [Int])])] = []
        while let next = stepper.nextNode {
            out.append((next.name, next.savedTensors))
            _ = try stepper.step()
        }
        return out
    }

    /// Every name PyTorch uses for each node's saved tensors, over all the recorded graphs.
    static let pytorchNames: [String: Set<String>] = {
        var names: [String: Set<String>] = [:]
        for nodes in SavedTensorFixtures.graphs.values {
            for node in nodes { names[node.node, default: []].formUnion(node.saved.map(\.name)) }
        }
        return names
    }()

    /// Where blitz-tui saves an operand PyTorch skips because no gradient needs it (the mask of
    /// dropout's `x * mask`): the name is still PyTorch's for that operand.
    static let savedWherePyTorchSkips: Set<String> = ["MulBackward0", "DivBackward0"]

    static func check(_ got: [(node: String, saved: [(name: String, shape: [Int])])], against graph: String) throws {
        let expected = try #require(SavedTensorFixtures.graphs[graph], "no fixture for \(graph)")
        try #require(got.count == expected.count, "\(graph): \(got.count) nodes, PyTorch ran \(expected.count)")
        for (ours, theirs) in zip(got, expected) {
            #expect(ours.node == theirs.node, "\(graph): \(ours.node) where PyTorch ran \(theirs.node)")
            for saved in ours.saved {
                if let match = theirs.saved.first(where: { $0.name == saved.name }) {
                    #expect(saved.shape == match.shape, "\(graph) \(ours.node).\(saved.name): \(saved.shape), PyTorch \(match.shape)")
                } else if saved.name.hasPrefix("_saved_") {
                    #expect(savedWherePyTorchSkips.contains(ours.node) && pytorchNames[ours.node, default: []].contains(saved.name),
                            "\(graph) \(ours.node) saves \(saved.name), which PyTorch's node does not have")
                } else {
                    // blitz-tui's own (MSELoss keeps input − target): never a table miss.
                    #expect(ours.node == "MseLossBackward0" && saved.name == "input − target",
                            "\(graph) \(ours.node): no PyTorch name for saved tensor \(saved.name)")
                }
            }
        }
    }

    @Test(arguments: GradCheckRow.all)
    func everyRowSavesUnderPyTorchsNames(row: GradCheckRow) throws {
        let output = row.function(row.makeInputs())
        try Self.check(try Self.savedInOrder(output, gradient: Tensor.ones(like: output)), against: row.name)
    }

    @Test func theBlitzNetSavesWhatPyTorchSaves() throws {
        let batch = BlitzNetByHand.batch()
        let got = try Self.savedInOrder(BlitzNetByHand(seed: 1).loss(batch.images, batch.labels))
        try Self.check(got, against: "blitz_net")
        // The learner's view of one Linear: the input and the weight's transpose, nothing else.
        let addmm = try #require(got.first { $0.node == "AddmmBackward0" })
        #expect(addmm.saved.map(\.name) == ["_saved_mat1", "_saved_mat2"])
        #expect(addmm.saved.map(\.shape) == [[4, 84], [84, 10]])
    }

    @Test func aPythonNumberIsKeptAsPyTorchsSavedOther() throws {
        let x = try Tensor([1, 2] as [Double]).requireGrad()
        let y = x * 1.0001
        let node = try #require(y.gradFn)
        #expect(node.savedTensors.isEmpty)
        #expect(node.savedScalar?.name == "_saved_other")
        #expect(node.savedScalar?.value == 1.0001)
        // The tensor form keeps tensors, and no number.
        let z = x * x
        #expect(try #require(z.gradFn).savedScalar == nil)
        #expect(try #require(z.gradFn).savedTensors.map(\.name) == ["_saved_self", "_saved_other"])
    }

    @Test func everyNodeThatSavesHasNames() throws {
        for row in GradCheckRow.all {
            let output = row.function(row.makeInputs())
            for node in reachableNodes(from: output) {
                for saved in node.savedTensors {
                    #expect(!saved.name.hasPrefix("saved["), "\(node.name) saves a tensor the name table does not know")
                }
            }
        }
    }
}
