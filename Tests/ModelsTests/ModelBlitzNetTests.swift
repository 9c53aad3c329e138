import Autograd
import Foundation
import Models
import Testing

/// Fixture files under Tests/Fixtures (made by scripts/make_nn_fixtures.py).
enum ModelFixtures {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    static func path(_ name: String) -> String { folder.appendingPathComponent(name).path }
}

/// |a − b| ≤ atol + rtol·|b| for every element.
func allClose(_ a: [Double], _ b: [Double], rtol: Double = 1e-4, atol: Double = 1e-5) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= atol + rtol * abs($1) }
}

@Suite("BlitzNet")
struct ModelBlitzNetTests {
    @Test func layoutMatchesTheTutorial() throws {
        let net = BlitzNet(seed: 0)
        #expect(net.parameterCount == 62_006)
        #expect(BlitzNet(inputChannels: 1, seed: 0).parameterCount == 61_706)
        let state = net.stateDict()
        #expect(state.map(\.0) == ["conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias", "fc1.weight", "fc1.bias",
                                   "fc2.weight", "fc2.bias", "fc3.weight", "fc3.bias"])
        #expect(state.map(\.1.shape) == [[6, 3, 5, 5], [6], [16, 6, 5, 5], [16], [120, 400], [120], [84, 120], [84], [10, 84], [10]])
        #expect(net.parameters().map(\.name) == state.map { Optional($0.0) })
        // print(net) in PyTorch 2.15.
        #expect(net.description == """
        Net(
          (conv1): Conv2d(3, 6, kernel_size=(5, 5), stride=(1, 1))
          (pool): MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)
          (conv2): Conv2d(6, 16, kernel_size=(5, 5), stride=(1, 1))
          (fc1): Linear(in_features=400, out_features=120, bias=True)
          (fc2): Linear(in_features=120, out_features=84, bias=True)
          (fc3): Linear(in_features=84, out_features=10, bias=True)
        )
        """)
        #expect(try net.outputShape(for: [4, 3, 32, 32]) == [4, 10])
    }

    @Test func loadsAPyTorchCheckpointAndGivesPyTorchsLogits() throws {
        let net = BlitzNet(seed: 99)
        try net.loadSafetensors(from: ModelFixtures.path("checkpoints/blitz_net_torch.safetensors"))
        let io = try Safetensors.read(from: ModelFixtures.path("checkpoints/blitz_net_torch_io.safetensors"))
        let input = try #require(io["input"])
        let logits = noGrad { net(input) }
        #expect(logits.shape == [4, 10])
        #expect(allClose(logits.doubles, io["logits"]!.doubles))
    }

    @Test func trainingStepsMatchPyTorch() throws {
        let net = BlitzNet(seed: 99)
        try net.loadSafetensors(from: ModelFixtures.path("checkpoints/blitz_net_torch.safetensors"))
        let io = try Safetensors.read(from: ModelFixtures.path("checkpoints/blitz_net_torch_io.safetensors"))
        let (input, labels) = (io["input"]!, io["labels"]!)
        let criterion = CrossEntropyLoss()
        let optimizer = try SGD(net.parameters(), lr: 0.01, momentum: 0.9)
        let parameters = Dictionary(uniqueKeysWithValues: net.namedParameters().map { ($0.name, $0.tensor) })
        for step in 1...2 {
            optimizer.zeroGrad()
            let loss = criterion(net(input), labels)
            try loss.backward()
            #expect(allClose([loss.item()], io["step\(step).loss"]!.doubles), "step \(step) loss")
            #expect(allClose(net.conv1.weight.grad!.doubles, io["step\(step).grad.conv1.weight"]!.doubles, atol: 1e-6),
                    "step \(step) conv1.weight.grad")
            optimizer.step()
            for name in ["conv1.weight", "conv1.bias", "fc3.weight", "fc3.bias"] {
                #expect(allClose(parameters[name]!.doubles, io["step\(step).\(name)"]!.doubles), "step \(step) \(name)")
            }
        }
    }

    @Test func graphOfOneIterationIsPyTorchs() throws {
        var g = RandomGenerator(seed: 3)
        let net = BlitzNet(generator: &g)
        let loss = CrossEntropyLoss()(net(Tensor.randn([4, 3, 32, 32], generator: &g)), Tensor([1, 0, 3, 9]))
        let stepper = try BackwardStepper(root: loss)
        var order: [String] = []
        var modules: [String: Set<String>] = [:]
        while let step = try stepper.step() {
            let node = step.node
            order.append(node.variable?.name.map { "AccumulateGrad(\($0))" } ?? node.name)
            modules[node.name, default: []].insert(node.module ?? "-")
        }
        // pytorch-facts.md: the order PyTorch's engine runs the 27 nodes in.
        #expect(order == [
            "NllLossBackward0", "LogSoftmaxBackward0", "AddmmBackward0", "AccumulateGrad(fc3.bias)", "TBackward0",
            "AccumulateGrad(fc3.weight)", "ReluBackward0", "AddmmBackward0", "AccumulateGrad(fc2.bias)", "TBackward0",
            "AccumulateGrad(fc2.weight)", "ReluBackward0", "AddmmBackward0", "AccumulateGrad(fc1.bias)", "TBackward0",
            "AccumulateGrad(fc1.weight)", "ViewBackward0", "MaxPool2DWithIndicesBackward0", "ReluBackward0",
            "ConvolutionBackward0", "AccumulateGrad(conv2.weight)", "AccumulateGrad(conv2.bias)",
            "MaxPool2DWithIndicesBackward0", "ReluBackward0", "ConvolutionBackward0", "AccumulateGrad(conv1.weight)",
            "AccumulateGrad(conv1.bias)",
        ])
        // Which module made each node: layers own their ops, the functional calls in forward belong to the Net ("").
        #expect(modules["AddmmBackward0"] == ["fc1", "fc2", "fc3"])
        #expect(modules["TBackward0"] == ["fc1", "fc2", "fc3"])
        #expect(modules["ConvolutionBackward0"] == ["conv1", "conv2"])
        #expect(modules["MaxPool2DWithIndicesBackward0"] == ["pool"])
        #expect(modules["ReluBackward0"] == [""])
        #expect(modules["ViewBackward0"] == [""])
        #expect(modules["NllLossBackward0"] == ["-"])
    }

    /// Writes a 1-channel BlitzNet checkpoint plus its input and logits, for PyTorch to check with
    /// `scripts/make_nn_fixtures.py verify NET IO`. With BLITZ_TUI_FIXTURE_DIR set, the files also
    /// go there (that is how Tests/Fixtures/checkpoints/blitz_net_swift*.safetensors were made).
    @Test func writesACheckpointThatLoadsBackWithTheSameLogits() throws {
        let net = BlitzNet(inputChannels: 1, seed: 5)
        var g = RandomGenerator(seed: 6)
        let input = Tensor.randn([3, 1, 32, 32], generator: &g)
        let logits = noGrad { net(input) }
        var folders = [FileManager.default.temporaryDirectory.appendingPathComponent("blitz-models-\(UUID().uuidString)").path]
        if let extra = ProcessInfo.processInfo.environment["BLITZ_TUI_FIXTURE_DIR"] { folders.append(extra) }
        defer { try? FileManager.default.removeItem(atPath: folders[0]) }
        for folder in folders {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try net.saveSafetensors(to: folder + "/blitz_net_swift.safetensors", metadata: [("made_by", "blitz-tui ModelBlitzNetTests")])
            try Safetensors.write([("input", input), ("logits", logits)], to: folder + "/blitz_net_swift_io.safetensors")
            let copy = BlitzNet(inputChannels: 1, seed: 77)
            try copy.loadSafetensors(from: folder + "/blitz_net_swift.safetensors")
            #expect(noGrad { copy(input) }.doubles == logits.doubles)
        }
    }

    /// The committed file blitz-tui wrote (and PyTorch verified) still loads and reproduces its logits.
    @Test func committedBlitzTUICheckpointStillLoads() throws {
        let net = BlitzNet(inputChannels: 1, seed: 1)
        try net.loadSafetensors(from: ModelFixtures.path("checkpoints/blitz_net_swift.safetensors"))
        let io = try Safetensors.read(from: ModelFixtures.path("checkpoints/blitz_net_swift_io.safetensors"))
        #expect(allClose(noGrad { net(io["input"]!) }.doubles, io["logits"]!.doubles, rtol: 1e-6, atol: 1e-7))
        // And it is what this code writes for the same seed, byte for byte.
        let fresh = try Safetensors.encode(BlitzNet(inputChannels: 1, seed: 5).stateDict(),
                                           metadata: [("made_by", "blitz-tui ModelBlitzNetTests")])
        #expect(fresh == [UInt8](try Data(contentsOf: URL(fileURLWithPath: ModelFixtures.path("checkpoints/blitz_net_swift.safetensors")))))
    }
}
